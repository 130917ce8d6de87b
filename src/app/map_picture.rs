//! "Export map as PNG…": the map as it is shown (basemap, country names, markers and
//! their labels, the legend, the scale bar and the attribution) drawn again off screen at
//! a chosen scale, so a report gets a sharp picture of the view the analyst chose,
//! not a screenshot of the window.
//!
//! The picture is drawn by the same code as the window ([`map_ui`]) in an egui context of
//! its own whose points are `scale` pixels each, so text, markers and lines keep their
//! proportions at any size; it is rendered by egui's own wgpu renderer into a texture on
//! the window's device (a software one, lavapipe, where there is no GPU) and read back.
//! The view's controls (Fit all, zoom buttons) are left out.

use std::path::Path;

use eframe::egui_wgpu::{self, RenderState, ScreenDescriptor, wgpu};
use egui::{Pos2, Rect, Vec2, ViewportId};

use super::basemap::Basemap;
use super::map_view::{MapView, map_ui};
use super::state::AppState;

/// The largest picture drawn, in pixels along its longer side: 8,192 (wgpu's texture
/// limit on most devices; a 8,192² RGBA picture is 256 MiB in memory).
pub const MAX_PICTURE_SIDE: u32 = 8192;

/// Why a picture could not be made or written.
#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    /// The window's renderer is not available (no wgpu, or a test without one).
    #[error("no renderer is available to draw the picture")]
    NoRenderer,
    /// The size asked for is empty or too large.
    #[error(
        "a picture of {width}×{height} pixels cannot be made (at most {MAX_PICTURE_SIDE} a side)"
    )]
    Size {
        /// Width asked for.
        width: u32,
        /// Height asked for.
        height: u32,
    },
    /// The device failed while drawing.
    #[error("the picture could not be drawn: {0}")]
    Render(String),
    /// The file could not be written.
    #[error("{path}: {source}")]
    Write {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// A picture: RGBA pixels, 8 bits each, rows top to bottom, not premultiplied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width × height × 4` bytes.
    pub rgba: Vec<u8>,
}

impl Picture {
    /// Writes it as a PNG file, atomically (see [`crate::output_file`]).
    pub fn write_png(&self, path: &Path) -> Result<(), PictureError> {
        crate::output_file::write_atomically(path, |out| {
            let mut bytes = Vec::new();
            image::codecs::png::PngEncoder::new(&mut bytes)
                .write_image(
                    &self.rgba,
                    self.width,
                    self.height,
                    image::ExtendedColorType::Rgba8,
                )
                .map_err(std::io::Error::other)?;
            std::io::Write::write_all(out, &bytes)
        })
        .map_err(|source| PictureError::Write {
            path: path.to_path_buf(),
            source,
        })
    }
}

use image::ImageEncoder;

/// Draws the map of `view` (a copy of the window's, see [`MapView::picture_copy`]) over
/// `size` points at `scale` pixels per point, in the given theme.
pub fn draw_map_picture(
    render_state: &RenderState,
    view: &MapView,
    state: &AppState,
    basemap: Option<&Basemap>,
    size: Vec2,
    scale: f32,
    visuals: &egui::Visuals,
) -> Result<Picture, PictureError> {
    let width = (size.x * scale).round() as u32;
    let height = (size.y * scale).round() as u32;
    if width == 0 || height == 0 || width > MAX_PICTURE_SIDE || height > MAX_PICTURE_SIDE {
        return Err(PictureError::Size { width, height });
    }
    let ctx = egui::Context::default();
    ctx.set_visuals(visuals.clone());
    ctx.all_styles_mut(|style| style.animation_time = 0.0);
    let mut input = egui::RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, size)),
        ..Default::default()
    };
    if let Some(viewport) = input.viewports.get_mut(&ViewportId::ROOT) {
        viewport.native_pixels_per_point = Some(scale);
    }
    let mut view = view.picture_copy();
    let mut renderer = egui_wgpu::Renderer::new(
        &render_state.device,
        wgpu::TextureFormat::Rgba8Unorm,
        egui_wgpu::RendererOptions::default(),
    );
    // Two passes: the first lays out (fonts, the marker index), the second is drawn.
    let mut output = None;
    for _ in 0..2 {
        let mut out = ctx.run_ui(input.clone(), |ui| {
            egui::CentralPanel::default()
                .frame(egui::Frame::NONE)
                .show(ui, |ui| {
                    let _ = map_ui(ui, &mut view, state, basemap);
                });
        });
        for (id, deltas) in out.textures_delta.set.drain() {
            for delta in &deltas {
                renderer.update_texture(&render_state.device, &render_state.queue, id, delta);
            }
        }
        for id in out.textures_delta.free.drain() {
            renderer.free_texture(&id);
        }
        output = Some(out);
    }
    let output = output.ok_or_else(|| PictureError::Render("nothing was drawn".into()))?;
    let primitives = ctx.tessellate(output.shapes, scale);
    render(
        render_state,
        &mut renderer,
        &primitives,
        [width, height],
        scale,
    )
}

/// Renders `primitives` into a new texture of `size` pixels and reads it back.
fn render(
    render_state: &RenderState,
    renderer: &mut egui_wgpu::Renderer,
    primitives: &[egui::ClippedPrimitive],
    size: [u32; 2],
    scale: f32,
) -> Result<Picture, PictureError> {
    let device = &render_state.device;
    let queue = &render_state.queue;
    let screen = ScreenDescriptor {
        size_in_pixels: size,
        pixels_per_point: scale,
    };
    let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
        label: Some("map picture"),
    });
    let user_buffers = renderer.update_buffers(device, queue, &mut encoder, primitives, &screen);
    let extent = wgpu::Extent3d {
        width: size[0],
        height: size[1],
        depth_or_array_layers: 1,
    };
    let texture = device.create_texture(&wgpu::TextureDescriptor {
        label: Some("map picture"),
        size: extent,
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format: wgpu::TextureFormat::Rgba8Unorm,
        usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
        view_formats: &[],
    });
    let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
    {
        let mut pass = encoder
            .begin_render_pass(&wgpu::RenderPassDescriptor {
                label: Some("map picture"),
                color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                    view: &view,
                    resolve_target: None,
                    ops: wgpu::Operations {
                        load: wgpu::LoadOp::Clear(wgpu::Color::BLACK),
                        store: wgpu::StoreOp::Store,
                    },
                    depth_slice: None,
                })],
                ..Default::default()
            })
            .forget_lifetime();
        renderer.render(&mut pass, primitives, &screen);
    }
    // Rows are copied out padded to wgpu's alignment.
    let unpadded = size[0] as usize * 4;
    let align = wgpu::COPY_BYTES_PER_ROW_ALIGNMENT as usize;
    let padded = unpadded.div_ceil(align) * align;
    let buffer = device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("map picture"),
        size: (padded * size[1] as usize) as u64,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    encoder.copy_texture_to_buffer(
        texture.as_image_copy(),
        wgpu::TexelCopyBufferInfo {
            buffer: &buffer,
            layout: wgpu::TexelCopyBufferLayout {
                offset: 0,
                bytes_per_row: Some(padded as u32),
                rows_per_image: None,
            },
        },
        extent,
    );
    let submitted = queue.submit(user_buffers.into_iter().chain(Some(encoder.finish())));
    let slice = buffer.slice(..);
    let (tx, rx) = std::sync::mpsc::channel();
    slice.map_async(wgpu::MapMode::Read, move |r| drop(tx.send(r)));
    device
        .poll(wgpu::PollType::Wait {
            submission_index: Some(submitted),
            timeout: Some(std::time::Duration::from_secs(60)),
        })
        .map_err(|e| PictureError::Render(e.to_string()))?;
    rx.recv()
        .map_err(|e| PictureError::Render(e.to_string()))?
        .map_err(|e| PictureError::Render(e.to_string()))?;
    let mapped = slice
        .get_mapped_range()
        .map_err(|e| PictureError::Render(e.to_string()))?;
    let mut rgba = Vec::with_capacity(unpadded * size[1] as usize);
    for row in mapped.chunks_exact(padded) {
        rgba.extend_from_slice(&row[..unpadded]);
    }
    drop(mapped);
    buffer.unmap();
    Ok(Picture {
        width: size[0],
        height: size[1],
        rgba,
    })
}
