//! A texture of the window's size copied onto the window pixel for pixel, by a render
//! pipeline of its own through an egui paint callback: how a region's kept picture (the
//! map's, a panel's: `content_cache.rs`) is shown.
//!
//! Why not an egui image: on a software rasteriser (Mesa's lavapipe) egui's shader costs
//! ~50 ns a pixel (it filters a texture and dithers every fragment), so a map-sized image
//! costs as much as drawing the map (session 7 measured 214 ms a frame that way). This
//! shader loads one texel a fragment, at the fragment's own pixel (no filtering, no
//! scaling), and writes it without blending (the picture is what the window shows there:
//! the region's shapes over the window's clear colour).

use eframe::egui_wgpu::{self, CallbackResources, CallbackTrait};
use eframe::wgpu;
use egui::PaintCallbackInfo;

const SHADER: &str = r"
@group(0) @binding(0) var picture: texture_2d<f32>;

@vertex
fn vs_main(@builtin(vertex_index) i: u32) -> @builtin(position) vec4<f32> {
    // One triangle covering the viewport; the scissor keeps it to the clip.
    let x = f32(i32(i & 1u) * 4 - 1);
    let y = f32(i32(i >> 1u) * 4 - 1);
    return vec4<f32>(x, y, 0.0, 1.0);
}

@fragment
fn fs_main(@builtin(position) at: vec4<f32>) -> @location(0) vec4<f32> {
    let size = vec2<i32>(textureDimensions(picture));
    let texel = min(vec2<i32>(at.xy), size - vec2<i32>(1, 1));
    return textureLoad(picture, texel, 0);
}
";

/// The pipeline that copies a texture onto the window (see the module's doc).
pub(super) struct TextureQuadPipeline {
    pipeline: wgpu::RenderPipeline,
    layout: wgpu::BindGroupLayout,
}

impl TextureQuadPipeline {
    /// The pipeline for a target of `format` (the window's), one sample a pixel (the
    /// window's egui pass has one: eframe's renderer options ask for no multisampling).
    pub(super) fn new(device: &wgpu::Device, format: wgpu::TextureFormat) -> Self {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("gazette_texture_quad"),
            source: wgpu::ShaderSource::Wgsl(SHADER.into()),
        });
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("gazette_texture_quad"),
            entries: &[wgpu::BindGroupLayoutEntry {
                binding: 0,
                visibility: wgpu::ShaderStages::FRAGMENT,
                ty: wgpu::BindingType::Texture {
                    sample_type: wgpu::TextureSampleType::Float { filterable: false },
                    view_dimension: wgpu::TextureViewDimension::D2,
                    multisampled: false,
                },
                count: None,
            }],
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("gazette_texture_quad"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some("gazette_texture_quad"),
            layout: Some(&pipeline_layout),
            vertex: wgpu::VertexState {
                module: &module,
                entry_point: Some("vs_main"),
                compilation_options: wgpu::PipelineCompilationOptions::default(),
                buffers: &[],
            },
            primitive: wgpu::PrimitiveState::default(),
            depth_stencil: None,
            multisample: wgpu::MultisampleState::default(),
            fragment: Some(wgpu::FragmentState {
                module: &module,
                entry_point: Some("fs_main"),
                compilation_options: wgpu::PipelineCompilationOptions::default(),
                // No blending: the picture replaces the window's pixels inside the clip.
                // It was drawn over what the window shows beneath the region (the
                // window's clear colour; the map's content is opaque anyway), so it is
                // what drawing the shapes over the window would give; blending would
                // cost a read of the window's pixel for each (lavapipe shades them one
                // by one).
                targets: &[Some(wgpu::ColorTargetState {
                    format,
                    blend: None,
                    write_mask: wgpu::ColorWrites::ALL,
                })],
            }),
            multiview_mask: None,
            cache: None,
        });
        Self { pipeline, layout }
    }

    /// What binds `view` (a texture of the target's format) to this pipeline.
    pub(super) fn bind(&self, device: &wgpu::Device, view: &wgpu::TextureView) -> wgpu::BindGroup {
        device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("gazette_texture_quad"),
            layout: &self.layout,
            entries: &[wgpu::BindGroupEntry {
                binding: 0,
                resource: wgpu::BindingResource::TextureView(view),
            }],
        })
    }

    /// The shape that copies the texture bound by `bind_group` onto the window inside
    /// `clip` (screen points).
    pub(super) fn shape(&self, clip: egui::Rect, bind_group: wgpu::BindGroup) -> egui::Shape {
        egui::Shape::Callback(egui_wgpu::Callback::new_paint_callback(
            clip,
            TextureQuadCallback {
                pipeline: self.pipeline.clone(),
                bind_group,
            },
        ))
    }
}

/// One frame's copy of the texture.
struct TextureQuadCallback {
    pipeline: wgpu::RenderPipeline,
    bind_group: wgpu::BindGroup,
}

impl CallbackTrait for TextureQuadCallback {
    fn paint(
        &self,
        info: PaintCallbackInfo,
        pass: &mut wgpu::RenderPass<'static>,
        _resources: &CallbackResources,
    ) {
        // The texture is the window's size: cover the whole window, inside egui's clip
        // (its scissor), each fragment loading its own pixel.
        let [w, h] = info.screen_size_px;
        pass.set_viewport(0.0, 0.0, w as f32, h as f32, 0.0, 1.0);
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, &self.bind_group, &[]);
        pass.draw(0..3, 0..1);
    }
}
