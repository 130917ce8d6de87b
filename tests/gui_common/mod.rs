//! What the GUI tests share: the bundled gazetteer and basemap (loaded once per test
//! binary), the sample articles, and a 1500×920 window on an app after its first frames.
// Each test file compiles this module on its own and uses only some of it, so the rest
// would warn as unused in that file.
#![allow(dead_code)]

use std::path::Path;
use std::sync::{Arc, OnceLock};

use egui_kittest::{Harness, HarnessBuilder};
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
        .map(|(path, name, ..)| Document::read(&path, name).expect("seed").document)
        .collect()
}

/// `app` in a 1500×920 window, after its first frames and once the map's towns are
/// indexed. The index is built on a background thread and the window repaints every
/// 100 ms until it arrives; a test that ran meanwhile could see `Harness::run` exceed
/// its steps depending on the machine's speed.
pub fn window(app: GazetteApp) -> Harness<'static, GazetteApp> {
    let mut harness = builder().build_ui_state(|ui, app: &mut GazetteApp| app.show(ui), app);
    settle(&mut harness);
    harness
}

/// A 1500×920 window's builder. A frame that shows new widgets asks for one more (egui
/// styles a widget it has not seen yet on the next frame), so opening a project, which
/// brings panels and lists at once, can take five or six frames to settle: `run` may
/// take up to 16 before it fails (egui_kittest's default is 4).
pub fn builder() -> HarnessBuilder<GazetteApp> {
    Harness::builder()
        .with_size([1500.0, 920.0])
        .with_max_steps(16)
}

/// Runs a new window's first frames and waits, bounded, until the map's towns are
/// indexed (see [`window`]); every test's window goes through this.
pub fn settle(harness: &mut Harness<'_, GazetteApp>) {
    harness.step();
    // Bounded: 20 s at most, far more than the second or two it takes.
    for _ in 0..800 {
        if harness.state().map_view().towns_indexed() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
        harness.step();
    }
    harness.run();
}
