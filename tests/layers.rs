//! The core's folders are layers: a module uses only its own layer and those listed before
//! it in `LAYERS` (its tests excepted), and nothing in the core names a browser crate. A use of a later layer
//! (an arrow running back up) fails here with the file and the line.

use std::fs;
use std::path::Path;

const LAYERS: [&str; 8] = ["formats", "model", "play", "storage", "reports", "import", "exchange", "machines"];
const BROWSER_CRATES: [&str; 5] = ["web_sys", "js_sys", "wasm_bindgen", "gloo", "yew"];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `core::LAYER` a line of code names.
fn layers_named(line: &str) -> Vec<usize> {
    LAYERS
        .iter()
        .enumerate()
        .filter(|(_, layer)| {
            let needle = format!("core::{layer}");
            line.match_indices(&needle)
                .any(|(at, _)| !line[at + needle.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_'))
        })
        .map(|(i, _)| i)
        .collect()
}

#[test]
fn no_layer_of_the_core_uses_a_later_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core");
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (own, layer) in LAYERS.iter().enumerate() {
        let mut files = Vec::new();
        rust_files(&root.join(layer), &mut files);
        assert!(!files.is_empty(), "src/core/{layer}/ has no files");
        for file in files {
            let text = fs::read_to_string(&file).unwrap();
            assert!(!text.contains("super::super::"), "{}: name other layers by crate::core::", file.display());
            // A module's own tests may use any layer; comments are no uses.
            let code = text.split("#[cfg(test)]").next().unwrap();
            for (n, line) in code.lines().enumerate().filter(|(_, l)| !l.trim_start().starts_with("//")) {
                for used in layers_named(line) {
                    checked += 1;
                    if used > own {
                        wrong.push(format!("{}:{}: {layer} uses {}", file.display(), n + 1, LAYERS[used]));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "arrows running back up:\n{}", wrong.join("\n"));
    // The scan must have seen the layers' uses of one another, or it proves nothing.
    assert!(checked > 100, "only {checked} uses of a layer found");
}

#[test]
fn every_core_module_sits_in_a_layer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core");
    for entry in fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        assert!(
            name == "mod.rs" || (path.is_dir() && LAYERS.contains(&name.as_str())),
            "src/core/{name} is in no layer: move it into one of {LAYERS:?}"
        );
    }
}

#[test]
fn the_core_names_no_browser_crate() {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core"), &mut files);
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        for name in BROWSER_CRATES {
            assert!(
                !text.contains(&format!("{name}::")),
                "{} names {name}: the core has no browser dependency",
                file.display()
            );
        }
    }
}

#[test]
fn a_use_of_a_later_layer_is_seen() {
    assert_eq!(layers_named("use crate::core::exchange::outbox::Outbox;"), vec![6]);
    assert_eq!(layers_named("see core::model and core::play::session"), vec![1, 2]);
    assert!(layers_named("core::modelling").is_empty());
}
