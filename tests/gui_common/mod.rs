//! What the GUI tests share: the bundled gazetteer and basemap (loaded once per test
//! binary), the sample articles, and a 1500×920 window on an app after its first frames.
// Each test file compiles this module on its own and uses only some of it, so the rest
// would warn as unused in that file.
#![allow(dead_code)]

use std::path::Path;
use std::sync::{Arc, OnceLock};

use egui_kittest::Harness;
use gazette::app::GazetteApp;
use gazette::app::basemap::Basemap;
use gazette::corpus::{Document, article_files};
use gazette::gazetteer::Gazetteer;

/// The bundled gazetteer, loaded once.
pub fn gazetteer() -> Arc<Gazetteer> {
    static G: OnceLock<Arc<Gazetteer>> = OnceLock::new();
    G.get_or_init(|| Arc::new(Gazetteer::load_bundled().expect("bundled gazetteer")))
        .clone()
}

/// The bundled basemap, loaded once (`None` if it does not load).
pub fn basemap() -> Option<Arc<Basemap>> {
    static B: OnceLock<Option<Arc<Basemap>>> = OnceLock::new();
    B.get_or_init(|| Basemap::load_bundled().ok().map(Arc::new))
        .clone()
}

/// The sample articles of `seeds/`.
pub fn seeds() -> Vec<Document> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    article_files(&dir)
        .expect("seeds folder")
        .files
        .into_iter()
        .map(|(path, name, _)| Document::read(&path, name).expect("seed").document)
        .collect()
}

/// `app` in a 1500×920 window, after its first frames.
pub fn window(app: GazetteApp) -> Harness<'static, GazetteApp> {
    let mut harness = Harness::builder()
        .with_size([1500.0, 920.0])
        .build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
    harness.run();
    harness
}
