//! The basemap kept as a picture while the view stands still. Without a GPU (Mesa's
//! lavapipe, what CI and many virtual desktops have) every frame rasterises the
//! basemap's tens of thousands of triangles on the processor, though the pointer moving
//! over the map changes nothing of it. So once the view has stayed the same for a frame,
//! the basemap is drawn once into a texture on the window's wgpu device and shown from it
//! as one quad until the view, the tints, the theme or the zoom band's detail change.
//! While the view moves (a drag, a zoom) the basemap is drawn directly, as before: a
//! texture made per frame would only add to the cost.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use eframe::egui_wgpu::{self, RenderState, ScreenDescriptor, wgpu};
use egui::{Color32, Mesh, Pos2, Rect, TextureId};

/// What the basemap's picture depends on: the view (zoom, centre), the viewport, the
/// scale, the theme, the tints and how many zoom bands are built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StillKey {
    view: [u64; 3],
    viewport: [u32; 4],
    pixels_per_point: u32,
    dark: bool,
    tint: u64,
    levels_ready: usize,
}

impl StillKey {
    /// The key of a frame.
    pub fn new(
        view: [f64; 3],
        viewport: Rect,
        pixels_per_point: f32,
        dark: bool,
        tint: &HashMap<String, Color32>,
        levels_ready: usize,
    ) -> StillKey {
        // The tints in a fixed order, so equal maps hash alike.
        let mut tints: Vec<(&String, &Color32)> = tint.iter().collect();
        tints.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        tints.hash(&mut hasher);
        StillKey {
            view: view.map(f64::to_bits),
            viewport: [
                viewport.min.x,
                viewport.min.y,
                viewport.max.x,
                viewport.max.y,
            ]
            .map(f32::to_bits),
            pixels_per_point: pixels_per_point.to_bits(),
            dark,
            tint: hasher.finish(),
            levels_ready,
        }
    }
}

/// The texture and what it shows.
struct Still {
    key: StillKey,
    /// Kept alive while the window's renderer shows it.
    _texture: wgpu::Texture,
    id: TextureId,
}

/// The basemap's picture between frames, on one wgpu device. See the
/// [module](self) documentation.
#[derive(Default)]
pub struct StillCache {
    /// The key of the last frame drawn: the view is still when the next one has it too.
    last: Option<StillKey>,
    still: Option<Still>,
    /// Draws the basemap's mesh into the texture (its own renderer: the window's is busy
    /// with the window).
    renderer: Option<egui_wgpu::Renderer>,
    /// Frames shown from the texture, and textures drawn (tests, benches).
    pub reused: u64,
    /// Textures drawn.
    pub drawn: u64,
}

impl std::fmt::Debug for StillCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StillCache")
            .field("reused", &self.reused)
            .field("drawn", &self.drawn)
            .finish()
    }
}

impl StillCache {
    /// The texture to show for a frame of `key` over `viewport`, drawing `mesh()` into it
    /// first if the view was still but the texture shows something else; `None` while the
    /// view moves (or if the device fails): then the caller draws the mesh itself.
    pub fn texture(
        &mut self,
        render_state: &RenderState,
        key: StillKey,
        viewport: Rect,
        pixels_per_point: f32,
        mesh: impl FnOnce() -> Mesh,
    ) -> Option<TextureId> {
        let still = self.last == Some(key);
        self.last = Some(key);
        if !still {
            return None;
        }
        if let Some(s) = &self.still
            && s.key == key
        {
            self.reused += 1;
            return Some(s.id);
        }
        let size = [
            (viewport.width() * pixels_per_point).round().max(1.0) as u32,
            (viewport.height() * pixels_per_point).round().max(1.0) as u32,
        ];
        let limit = render_state.device.limits().max_texture_dimension_2d;
        if size[0] > limit || size[1] > limit {
            return None;
        }
        let mut mesh = mesh();
        // Into the texture's frame: its top left is the viewport's.
        let offset = viewport.min.to_vec2();
        for v in &mut mesh.vertices {
            v.pos -= offset;
        }
        let texture = self.draw(render_state, mesh, size, pixels_per_point)?;
        let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
        let mut main = render_state.renderer.write();
        let id = match self.still.take() {
            Some(old) => {
                main.update_egui_texture_from_wgpu_texture(
                    &render_state.device,
                    &view,
                    wgpu::FilterMode::Linear,
                    old.id,
                );
                old.id
            }
            None => {
                main.register_native_texture(&render_state.device, &view, wgpu::FilterMode::Linear)
            }
        };
        self.still = Some(Still {
            key,
            _texture: texture,
            id,
        });
        self.drawn += 1;
        Some(id)
    }

    /// Renders `mesh` (in the texture's points) into a new texture of `size` pixels.
    fn draw(
        &mut self,
        render_state: &RenderState,
        mesh: Mesh,
        size: [u32; 2],
        pixels_per_point: f32,
    ) -> Option<wgpu::Texture> {
        let device = &render_state.device;
        let queue = &render_state.queue;
        let renderer = self.renderer.get_or_insert_with(|| {
            let mut renderer = egui_wgpu::Renderer::new(
                device,
                wgpu::TextureFormat::Rgba8Unorm,
                egui_wgpu::RendererOptions::default(),
            );
            // The basemap's vertices sample texture 0 (egui's font atlas) at its white
            // pixel; this renderer has no atlas, so texture 0 is one white pixel.
            renderer.update_texture(
                device,
                queue,
                TextureId::default(),
                &egui::epaint::ImageDelta::full(
                    egui::ColorImage::new([1, 1], vec![Color32::WHITE]),
                    egui::TextureOptions::NEAREST,
                ),
            );
            renderer
        });
        let screen = ScreenDescriptor {
            size_in_pixels: size,
            pixels_per_point,
        };
        let primitives = [egui::ClippedPrimitive {
            clip_rect: Rect::from_min_size(
                Pos2::ZERO,
                egui::vec2(
                    size[0] as f32 / pixels_per_point,
                    size[1] as f32 / pixels_per_point,
                ),
            ),
            primitive: egui::epaint::Primitive::Mesh(mesh),
        }];
        let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("basemap still"),
        });
        let user_buffers =
            renderer.update_buffers(device, queue, &mut encoder, &primitives, &screen);
        let texture = device.create_texture(&wgpu::TextureDescriptor {
            label: Some("basemap still"),
            size: wgpu::Extent3d {
                width: size[0],
                height: size[1],
                depth_or_array_layers: 1,
            },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: wgpu::TextureFormat::Rgba8Unorm,
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::TEXTURE_BINDING,
            view_formats: &[],
        });
        let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
        {
            let mut pass = encoder
                .begin_render_pass(&wgpu::RenderPassDescriptor {
                    label: Some("basemap still"),
                    color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                        view: &view,
                        resolve_target: None,
                        ops: wgpu::Operations {
                            load: wgpu::LoadOp::Clear(wgpu::Color::TRANSPARENT),
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
        Some(texture)
    }
}
