//! The desktop app's saved session over arbitrary bytes, as eframe stores it (RON) and
//! as JSON: decoding returns a session or an error, never panics, and a session that
//! decodes is saved in a form that decodes again to the same session (else the next
//! start would lose it). Needs `--features gui`.
#![no_main]

use gazette::app::state::Session;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(session) = serde_json::from_slice::<Session>(data) {
        let saved = match serde_json::to_string(&session) {
            Ok(s) => s,
            Err(e) => panic!("a decoded session does not encode as JSON: {e}"),
        };
        match serde_json::from_str::<Session>(&saved) {
            Ok(again) => assert_eq!(
                serde_json::to_string(&again).ok().as_deref(),
                Some(saved.as_str()),
                "JSON session changes on a save and load"
            ),
            Err(e) => panic!("a saved JSON session does not load again: {e}\n{saved}"),
        }
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(session) = ron::from_str::<Session>(text) {
        // What eframe::set_value writes.
        let saved = match ron::ser::to_string(&session) {
            Ok(s) => s,
            Err(e) => panic!("a decoded session does not encode as RON: {e}"),
        };
        match ron::from_str::<Session>(&saved) {
            Ok(again) => assert_eq!(
                ron::ser::to_string(&again).ok().as_deref(),
                Some(saved.as_str()),
                "RON session changes on a save and load"
            ),
            Err(e) => panic!("a saved RON session does not load again: {e}\n{saved}"),
        }
    }
});
