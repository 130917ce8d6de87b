//! A region's picture kept between frames: when the shapes a region of the window (the
//! map's content, a side panel, the toolbar) paints in a frame are what it painted in the
//! last frame, the window shows a texture holding their picture instead of drawing them
//! again triangle by triangle.
//!
//! Why: on a machine without a GPU (Mesa's lavapipe) a frame's cost is the rasteriser's:
//! the map's content (10,000 places: 203 ms a frame at 1500×920 with the pointer moving,
//! see `examples/frame_layers.rs`), then the panels' text (~8,500 of a kept map frame's
//! ~10,000 egui triangles, a glyph two triangles). Moving the pointer over the map changes
//! none of it (the tooltip is a layer of its own, the map's overlay buttons are drawn
//! after its content, the status bar showing the cursor's coordinates is not kept), so
//! each picture is drawn once and copied each frame by a pipeline that costs little per
//! pixel (`texture_quad.rs`).
//!
//! What decides: the shapes themselves. The region paints as usual; the shapes it added
//! to its layer are compared with the last frame's (egui's shape equality: the same
//! positions, colours, texts, meshes; the basemap's paint callback is the same one when
//! its mesh did not change, see [`crate::app::basemap::gpu::BasemapShapeMemo`]). Equal:
//! they are replaced by the copy of the texture. Different: egui draws them (the view
//! moves, a hover highlight, a selection, a scroll, the data or the theme changed) and
//! they are remembered.
//!
//! What the copy covers: the region's rectangle (the panel's, the map's) where its shapes
//! clip. The copy replaces the window's pixels there without blending, so the picture
//! starts from what the window shows beneath the region: the window's clear colour, the
//! panels' colour (`GazetteApp::clear_color`; the panels draw no fill of their own), which
//! the caller gives. A region whose shapes would paint outside its rectangle is not kept
//! (drawn by egui every frame): the copy would lose those pixels.
//!
//! One cache, one texture of the window's size, a region: a region's picture is drawn
//! again alone when its shapes change (hovering a place redraws the places panel, not the
//! passages), with no bookkeeping of which part of a shared texture is whose. The cost is
//! memory, ~5.5 MB a region at 1500×920 (the map and up to five panels); a shared texture
//! would need each region drawn apart and copied into its part, for the same pixels.
//!
//! When the texture is drawn: on the second frame the shapes are the same, by the
//! window's own egui renderer (which has the basemap's pipeline and the font texture)
//! into a texture of the window's size and format, with the same primitives egui would
//! have drawn, so the pixels are the same. Not on the first: the text's glyphs of a
//! frame reach the renderer when that frame is painted, so the picture is drawn only
//! once a frame showing these very shapes was painted (a probe callback in it says so).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use eframe::egui_wgpu::{self, CallbackResources, CallbackTrait, RenderState, ScreenDescriptor};
use eframe::wgpu;
use egui::epaint::ClippedShape;
use egui::layers::ShapeIdx;
use egui::{Color32, LayerId, PaintCallbackInfo, Rect};

use super::texture_quad::TextureQuadPipeline;

/// A region's picture, the shapes it shows and what draws it (see the module's doc).
pub struct ContentCache {
    render_state: RenderState,
    /// Off (tests comparing with the region drawn every frame), the region is drawn as
    /// before.
    enabled: bool,
    /// The last frame's shapes of the region, as painted.
    last: Vec<ClippedShape>,
    /// The window's size in pixels, pixels per point, the region's rectangle and what the
    /// window shows beneath it when `last` was painted.
    last_screen: ([u32; 2], u32, Rect, Color32),
    /// Counts the frames drawn with the region's shapes; `painted` holds the count of the
    /// last one the renderer prepared (a probe callback sets it).
    frame: u64,
    painted: Arc<AtomicU64>,
    /// The texture holding `last`'s picture, when it was drawn.
    picture: Option<Picture>,
    picture_is_current: bool,
    pipeline: Option<TextureQuadPipeline>,
    /// Frames shown from the texture (for tests and measurements).
    hits: u64,
}

/// A texture of the window's size holding the region's picture.
struct Picture {
    texture: wgpu::Texture,
    bind_group: wgpu::BindGroup,
}

impl std::fmt::Debug for ContentCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContentCache")
            .field("enabled", &self.enabled)
            .field("shapes", &self.last.len())
            .field("hits", &self.hits)
            .finish()
    }
}

impl ContentCache {
    /// A cache drawing with the window's renderer (its egui renderer, in which the
    /// basemap's pipeline is registered).
    pub fn new(render_state: RenderState) -> Self {
        Self {
            render_state,
            enabled: true,
            last: Vec::new(),
            last_screen: ([0, 0], 0, Rect::NOTHING, Color32::TRANSPARENT),
            frame: 0,
            painted: Arc::new(AtomicU64::new(0)),
            picture: None,
            picture_is_current: false,
            pipeline: None,
            hits: 0,
        }
    }

    /// Turns keeping the picture on or off (off: the region is drawn every frame).
    pub fn set_enabled(&mut self, on: bool) {
        self.enabled = on;
        self.last.clear();
        self.picture_is_current = false;
    }

    /// Frames whose region was shown from the kept picture.
    pub fn hits(&self) -> u64 {
        self.hits
    }

    /// Where the region's shapes begin in `layer`: call before the region paints.
    pub fn begin(ctx: &egui::Context, layer: LayerId) -> ShapeIdx {
        ctx.graphics_mut(|g| g.entry(layer).next_idx())
    }

    /// Ends the region's shapes, those painted in `layer` since `start`, inside `region`
    /// (screen points) over `beneath` (what the window shows there without them: its
    /// clear colour): when they are the last frame's, replaces them by the copy of their
    /// picture (drawing it first if needed); else leaves them to egui and remembers them.
    pub fn end(
        &mut self,
        ctx: &egui::Context,
        layer: LayerId,
        start: ShapeIdx,
        region: Rect,
        beneath: Color32,
    ) {
        if !self.enabled {
            return;
        }
        let shapes: Vec<ClippedShape> = ctx.graphics(|g| {
            g.get(layer)
                .map(|list| list.all_entries().skip(start.0).cloned().collect())
                .unwrap_or_default()
        });
        if shapes.is_empty() {
            // Nothing painted this frame (no room for the region): nothing to keep or copy.
            return;
        }
        // Every pixel the shapes paint must be inside the copy, or the copy loses it. Half
        // a pixel of leeway: a shape's bounds count a line's width around its ends too
        // (a panel's separator line), and anti-aliasing fades to nothing half a pixel out,
        // where no pixel's centre outside the region sees it.
        let ppp = ctx.pixels_per_point();
        let leeway = region.expand(0.5 / ppp);
        let inside = shapes.iter().all(|s| {
            let painted = s.clip_rect.intersect(s.shape.visual_bounding_rect());
            !painted.is_positive() || leeway.contains_rect(painted)
        });
        if !inside {
            self.last.clear();
            self.picture_is_current = false;
            return;
        }
        let end = ShapeIdx(start.0 + shapes.len());
        let size = ctx.viewport_rect().size() * ppp;
        let screen = (
            [size.x.round() as u32, size.y.round() as u32],
            ppp.to_bits(),
            region,
            beneath,
        );
        let clip = shapes
            .iter()
            .map(|s| s.clip_rect)
            .reduce(|a, b| a.union(b))
            .unwrap_or(Rect::NOTHING)
            .intersect(region)
            .intersect(ctx.viewport_rect());
        let same = screen == self.last_screen && shapes == self.last;
        if same && !self.picture_is_current && self.painted.load(Ordering::Acquire) == self.frame {
            self.picture_is_current = self.draw_picture(ctx, &shapes, screen.0, ppp, beneath);
        }
        if same && self.picture_is_current {
            let Some(picture) = &self.picture else {
                return;
            };
            let Some(pipeline) = &self.pipeline else {
                return;
            };
            let copy = pipeline.shape(clip, picture.bind_group.clone());
            ctx.graphics_mut(|g| {
                let list = g.entry(layer);
                list.set(start, clip, copy);
                for i in start.0 + 1..end.0 {
                    list.reset_shape(ShapeIdx(i));
                }
            });
            self.hits += 1;
            return;
        }
        // Drawn by egui this frame: remember what, and learn whether it was painted.
        if !same {
            self.last = shapes;
            self.last_screen = screen;
            self.picture_is_current = false;
        }
        self.frame += 1;
        let probe = egui_wgpu::Callback::new_paint_callback(
            clip,
            PaintedProbe {
                frame: self.frame,
                painted: self.painted.clone(),
            },
        );
        ctx.graphics_mut(|g| g.entry(layer).add(clip, egui::Shape::Callback(probe)));
    }

    /// Draws `shapes` into the picture's texture with the window's renderer; false if
    /// it could not be (the texture is then not used).
    fn draw_picture(
        &mut self,
        ctx: &egui::Context,
        shapes: &[ClippedShape],
        size: [u32; 2],
        ppp: f32,
        beneath: Color32,
    ) -> bool {
        if size[0] == 0 || size[1] == 0 {
            return false;
        }
        let device = &self.render_state.device;
        let queue = &self.render_state.queue;
        let format = self.render_state.target_format;
        let max = device.limits().max_texture_dimension_2d;
        if size[0] > max || size[1] > max {
            return false;
        }
        let pipeline = self
            .pipeline
            .get_or_insert_with(|| TextureQuadPipeline::new(device, format));
        let fits = self.picture.as_ref().is_some_and(|p| {
            p.texture.width() == size[0]
                && p.texture.height() == size[1]
                && p.texture.format() == format
        });
        if !fits {
            let texture = device.create_texture(&wgpu::TextureDescriptor {
                label: Some("gazette_kept_picture"),
                size: wgpu::Extent3d {
                    width: size[0],
                    height: size[1],
                    depth_or_array_layers: 1,
                },
                mip_level_count: 1,
                sample_count: 1,
                dimension: wgpu::TextureDimension::D2,
                format,
                usage: wgpu::TextureUsages::RENDER_ATTACHMENT
                    | wgpu::TextureUsages::TEXTURE_BINDING,
                view_formats: &[],
            });
            let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
            let bind_group = pipeline.bind(device, &view);
            self.picture = Some(Picture {
                texture,
                bind_group,
            });
        }
        let Some(picture) = &self.picture else {
            return false;
        };
        let primitives = ctx.tessellate(shapes.to_vec(), ppp);
        let clear = beneath.to_normalized_gamma_f32();
        let screen = ScreenDescriptor {
            size_in_pixels: size,
            pixels_per_point: ppp,
        };
        let mut renderer = self.render_state.renderer.write();
        let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("gazette_kept_picture"),
        });
        let user_buffers =
            renderer.update_buffers(device, queue, &mut encoder, &primitives, &screen);
        let view = picture
            .texture
            .create_view(&wgpu::TextureViewDescriptor::default());
        {
            let mut pass = encoder
                .begin_render_pass(&wgpu::RenderPassDescriptor {
                    label: Some("gazette_kept_picture"),
                    color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                        view: &view,
                        resolve_target: None,
                        ops: wgpu::Operations {
                            // As eframe clears the window (`clear_color`).
                            load: wgpu::LoadOp::Clear(wgpu::Color {
                                r: f64::from(clear[0]),
                                g: f64::from(clear[1]),
                                b: f64::from(clear[2]),
                                a: f64::from(clear[3]),
                            }),
                            store: wgpu::StoreOp::Store,
                        },
                        depth_slice: None,
                    })],
                    ..Default::default()
                })
                .forget_lifetime();
            renderer.render(&mut pass, &primitives, &screen);
        }
        queue.submit(user_buffers.into_iter().chain(Some(encoder.finish())));
        true
    }
}

/// Paints nothing; when the renderer prepares it, the frame it came with is being
/// painted, so the textures that frame's shapes use are on the device.
struct PaintedProbe {
    frame: u64,
    painted: Arc<AtomicU64>,
}

impl CallbackTrait for PaintedProbe {
    fn prepare(
        &self,
        _device: &wgpu::Device,
        _queue: &wgpu::Queue,
        _screen: &ScreenDescriptor,
        _encoder: &mut wgpu::CommandEncoder,
        _resources: &mut CallbackResources,
    ) -> Vec<wgpu::CommandBuffer> {
        self.painted.store(self.frame, Ordering::Release);
        Vec::new()
    }

    fn paint(
        &self,
        _info: PaintCallbackInfo,
        _pass: &mut wgpu::RenderPass<'static>,
        _resources: &CallbackResources,
    ) {
    }
}
