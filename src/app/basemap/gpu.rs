//! The basemap drawn by a render pipeline of its own, through an egui paint callback.
//!
//! Why: on a machine without a GPU (Mesa's lavapipe, what CI and many virtual desktops
//! have) a frame's cost is the rasteriser's, and egui's shader is expensive per pixel (it
//! samples the font texture and dithers every fragment): one window-sized rectangle
//! drawn by egui costs ~125 ms at 1500×920 on lavapipe, the same rectangle drawn by this
//! pipeline ~1 ms (`examples/frame_layers.rs`). The basemap is the one layer that covers
//! the whole map several times (water, land, lakes), so it goes here; markers, labels and
//! panels stay egui's. The mesh is the same one egui would draw
//! ([`Basemap::build_mesh`](super::Basemap::build_mesh)), in screen points, with egui's
//! colours (sRGB, premultiplied alpha) and blending, so the two paths draw the same
//! pixels. Where there is no wgpu renderer (tests without one, the picture export's own
//! renderer) the mesh goes to egui instead.

use std::sync::Arc;

use eframe::egui_wgpu::{self, CallbackResources, CallbackTrait, RenderState, ScreenDescriptor};
use eframe::wgpu;
use egui::{Mesh, PaintCallbackInfo};

/// Bytes of one vertex as uploaded: x, y (f32, screen points) and the colour (egui's
/// packed sRGBA, premultiplied).
const VERTEX_BYTES: u64 = 12;

const SHADER: &str = r"
struct Locals { screen_size: vec2<f32>, _pad: vec2<f32> };
@group(0) @binding(0) var<uniform> locals: Locals;

struct Out {
    @builtin(position) position: vec4<f32>,
    @location(0) color: vec4<f32>,
};

@vertex
fn vs_main(@location(0) pos: vec2<f32>, @location(1) color: u32) -> Out {
    var out: Out;
    out.position = vec4<f32>(
        2.0 * pos.x / locals.screen_size.x - 1.0,
        1.0 - 2.0 * pos.y / locals.screen_size.y,
        0.0,
        1.0,
    );
    out.color = vec4<f32>(
        f32(color & 255u),
        f32((color >> 8u) & 255u),
        f32((color >> 16u) & 255u),
        f32((color >> 24u) & 255u),
    ) / 255.0;
    return out;
}

@fragment
fn fs_gamma(in: Out) -> @location(0) vec4<f32> {
    return in.color;
}

fn linear_from_gamma(srgb: vec3<f32>) -> vec3<f32> {
    let cutoff = srgb < vec3<f32>(0.04045);
    let lower = srgb / vec3<f32>(12.92);
    let higher = pow((srgb + vec3<f32>(0.055)) / vec3<f32>(1.055), vec3<f32>(2.4));
    return select(higher, lower, cutoff);
}

@fragment
fn fs_linear(in: Out) -> @location(0) vec4<f32> {
    return vec4<f32>(linear_from_gamma(in.color.rgb), in.color.a);
}
";

/// The pipeline and the buffers of the last mesh uploaded, kept in the renderer's
/// callback resources between frames.
pub struct FlatMeshPipeline {
    pipeline: wgpu::RenderPipeline,
    locals: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
    vertices: Option<wgpu::Buffer>,
    indices: Option<wgpu::Buffer>,
    index_count: u32,
    /// The mesh the buffers hold: a frame that draws the same one (the view did not
    /// change) uploads nothing.
    uploaded: Option<Arc<Mesh>>,
}

impl FlatMeshPipeline {
    /// Makes the pipeline for `render_state`'s target and puts it in its renderer's
    /// callback resources, where [`FlatMeshCallback`] finds it.
    pub fn register(render_state: &RenderState) {
        let pipeline = Self::new(
            &render_state.device,
            render_state.target_format,
            // egui's own pipeline has as many samples as the window asks for; the
            // callback draws into the same pass, so it must agree.
            1,
        );
        render_state
            .renderer
            .write()
            .callback_resources
            .insert(pipeline);
    }

    fn new(device: &wgpu::Device, format: wgpu::TextureFormat, samples: u32) -> Self {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("gazette_basemap"),
            source: wgpu::ShaderSource::Wgsl(SHADER.into()),
        });
        let layout_entry = wgpu::BindGroupLayoutEntry {
            binding: 0,
            visibility: wgpu::ShaderStages::VERTEX,
            ty: wgpu::BindingType::Buffer {
                ty: wgpu::BufferBindingType::Uniform,
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        };
        let bind_group_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("gazette_basemap"),
            entries: &[layout_entry],
        });
        let locals = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("gazette_basemap_locals"),
            size: 16,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("gazette_basemap"),
            layout: &bind_group_layout,
            entries: &[wgpu::BindGroupEntry {
                binding: 0,
                resource: locals.as_entire_binding(),
            }],
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("gazette_basemap"),
            bind_group_layouts: &[Some(&bind_group_layout)],
            immediate_size: 0,
        });
        let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some("gazette_basemap"),
            layout: Some(&pipeline_layout),
            vertex: wgpu::VertexState {
                module: &module,
                entry_point: Some("vs_main"),
                compilation_options: wgpu::PipelineCompilationOptions::default(),
                buffers: &[Some(wgpu::VertexBufferLayout {
                    array_stride: VERTEX_BYTES,
                    step_mode: wgpu::VertexStepMode::Vertex,
                    attributes: &wgpu::vertex_attr_array![0 => Float32x2, 1 => Uint32],
                })],
            },
            primitive: wgpu::PrimitiveState::default(),
            depth_stencil: None,
            multisample: wgpu::MultisampleState {
                count: samples,
                ..Default::default()
            },
            fragment: Some(wgpu::FragmentState {
                module: &module,
                entry_point: Some(if format.is_srgb() {
                    "fs_linear"
                } else {
                    "fs_gamma"
                }),
                compilation_options: wgpu::PipelineCompilationOptions::default(),
                // egui's blending: colours are premultiplied.
                targets: &[Some(wgpu::ColorTargetState {
                    format,
                    blend: Some(wgpu::BlendState {
                        color: wgpu::BlendComponent {
                            src_factor: wgpu::BlendFactor::One,
                            dst_factor: wgpu::BlendFactor::OneMinusSrcAlpha,
                            operation: wgpu::BlendOperation::Add,
                        },
                        alpha: wgpu::BlendComponent {
                            src_factor: wgpu::BlendFactor::OneMinusDstAlpha,
                            dst_factor: wgpu::BlendFactor::One,
                            operation: wgpu::BlendOperation::Add,
                        },
                    }),
                    write_mask: wgpu::ColorWrites::ALL,
                })],
            }),
            multiview_mask: None,
            cache: None,
        });
        Self {
            pipeline,
            locals,
            bind_group,
            vertices: None,
            indices: None,
            index_count: 0,
            uploaded: None,
        }
    }
}

/// One frame's basemap mesh, for [`FlatMeshPipeline`] to draw.
pub struct FlatMeshCallback {
    /// The mesh, in screen points (what egui would be given); shared with
    /// [`BasemapShapeMemo`], so that the same mesh is known as such.
    pub mesh: Arc<Mesh>,
}

/// `buffer` if it holds `bytes`, else a new one of twice that (so a map panned a little
/// does not make a new buffer each frame).
fn buffer_for(
    device: &wgpu::Device,
    buffer: &mut Option<wgpu::Buffer>,
    bytes: u64,
    usage: wgpu::BufferUsages,
) -> wgpu::Buffer {
    match buffer {
        Some(b) if b.size() >= bytes => b.clone(),
        _ => {
            let b = device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("gazette_basemap"),
                size: (bytes * 2)
                    .max(1024)
                    .next_multiple_of(wgpu::COPY_BUFFER_ALIGNMENT),
                usage: usage | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            });
            *buffer = Some(b.clone());
            b
        }
    }
}

impl CallbackTrait for FlatMeshCallback {
    fn prepare(
        &self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        screen: &ScreenDescriptor,
        _encoder: &mut wgpu::CommandEncoder,
        resources: &mut CallbackResources,
    ) -> Vec<wgpu::CommandBuffer> {
        let Some(p) = resources.get_mut::<FlatMeshPipeline>() else {
            return Vec::new();
        };
        let ppp = screen.pixels_per_point.max(f32::MIN_POSITIVE);
        let size = [
            screen.size_in_pixels[0] as f32 / ppp,
            screen.size_in_pixels[1] as f32 / ppp,
        ];
        let mut locals = Vec::with_capacity(16);
        for v in [size[0], size[1], 0.0, 0.0] {
            locals.extend_from_slice(&v.to_le_bytes());
        }
        queue.write_buffer(&p.locals, 0, &locals);
        if p.uploaded
            .as_ref()
            .is_some_and(|m| Arc::ptr_eq(m, &self.mesh))
        {
            // Already in the buffers (the view did not change).
            return Vec::new();
        }
        p.uploaded = None;

        let mut vertex_bytes = Vec::with_capacity(self.mesh.vertices.len() * VERTEX_BYTES as usize);
        for v in &self.mesh.vertices {
            vertex_bytes.extend_from_slice(&v.pos.x.to_le_bytes());
            vertex_bytes.extend_from_slice(&v.pos.y.to_le_bytes());
            vertex_bytes.extend_from_slice(&v.color.to_array());
        }
        let mut index_bytes = Vec::with_capacity(self.mesh.indices.len() * 4);
        for i in &self.mesh.indices {
            index_bytes.extend_from_slice(&i.to_le_bytes());
        }
        p.index_count = 0;
        if vertex_bytes.is_empty() || index_bytes.is_empty() {
            return Vec::new();
        }
        // write_buffer wants whole multiples of four bytes: both already are.
        let vertices = buffer_for(
            device,
            &mut p.vertices,
            vertex_bytes.len() as u64,
            wgpu::BufferUsages::VERTEX,
        );
        let indices = buffer_for(
            device,
            &mut p.indices,
            index_bytes.len() as u64,
            wgpu::BufferUsages::INDEX,
        );
        queue.write_buffer(&vertices, 0, &vertex_bytes);
        queue.write_buffer(&indices, 0, &index_bytes);
        p.index_count = u32::try_from(self.mesh.indices.len()).unwrap_or(0);
        p.uploaded = Some(self.mesh.clone());
        Vec::new()
    }

    fn paint(
        &self,
        info: PaintCallbackInfo,
        pass: &mut wgpu::RenderPass<'static>,
        resources: &CallbackResources,
    ) {
        let Some(p) = resources.get::<FlatMeshPipeline>() else {
            return;
        };
        let (Some(vertices), Some(indices)) = (&p.vertices, &p.indices) else {
            return;
        };
        if p.index_count == 0 {
            return;
        }
        // The vertices are in screen points: draw over the whole screen (egui set the
        // viewport to the callback's rectangle) inside egui's clip (its scissor).
        let [w, h] = info.screen_size_px;
        pass.set_viewport(0.0, 0.0, w as f32, h as f32, 0.0, 1.0);
        pass.set_pipeline(&p.pipeline);
        pass.set_bind_group(0, &p.bind_group, &[]);
        pass.set_vertex_buffer(0, vertices.slice(..));
        pass.set_index_buffer(indices.slice(..), wgpu::IndexFormat::Uint32);
        pass.draw_indexed(0..p.index_count, 0, 0..1);
    }
}

/// The shape that draws `mesh` with [`FlatMeshPipeline`], clipped to `rect`.
pub fn flat_mesh_shape(rect: egui::Rect, mesh: Arc<Mesh>) -> egui::Shape {
    egui::Shape::Callback(egui_wgpu::Callback::new_paint_callback(
        rect,
        FlatMeshCallback { mesh },
    ))
}

/// The basemap's shape of the last frame, kept by the map between frames.
///
/// Why: a paint callback is equal to another only if it is the same one (egui compares
/// callbacks by pointer), so a frame whose basemap mesh did not change gives back the
/// last frame's shape. The map's content of two frames then compares equal when nothing
/// in it changed, which is what lets the map keep its picture
/// (`app::content_cache`); and the mesh is not uploaded again.
#[derive(Default)]
pub struct BasemapShapeMemo {
    last: Option<(egui::Rect, Arc<Mesh>, egui::Shape)>,
}

impl BasemapShapeMemo {
    /// The shape drawing `mesh` over `rect`: the last one if it drew the same.
    pub fn shape(&mut self, rect: egui::Rect, mesh: Mesh) -> egui::Shape {
        if let Some((r, m, shape)) = &self.last
            && *r == rect
            && **m == mesh
        {
            return shape.clone();
        }
        let mesh = Arc::new(mesh);
        let shape = flat_mesh_shape(rect, mesh.clone());
        self.last = Some((rect, mesh, shape.clone()));
        shape
    }
}
