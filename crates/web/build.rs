//! Build step for the web crate:
//! 1. Static assets (Designsystemet CSS and the Inter font from npm, our own
//!    CSS) are fingerprinted: each is served under a name that contains a hash
//!    of its content, so browsers may cache it forever.
//! 2. The message catalogue (`messages/nb.txt`) becomes a Rust struct, so a
//!    template that names a missing message does not compile.

use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

struct Asset {
    /// The logical name used in code, e.g. `app.css`.
    logical: &'static str,
    source: PathBuf,
    content_type: &'static str,
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let root = manifest.join("../..");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    let node = root.join("node_modules");
    let fonts = node.join("@fontsource/inter/files");

    let mut assets = vec![
        Asset {
            logical: "designsystemet.css",
            source: node.join("@digdir/designsystemet-css/dist/src/index.css"),
            content_type: "text/css; charset=utf-8",
        },
        Asset {
            logical: "theme.css",
            source: node.join("@digdir/designsystemet-css/dist/theme/designsystemet.css"),
            content_type: "text/css; charset=utf-8",
        },
    ];
    assets.push(Asset {
        logical: "htmx.min.js",
        source: node.join("htmx.org/dist/htmx.min.js"),
        content_type: "text/javascript; charset=utf-8",
    });
    assets.push(Asset {
        logical: "swagger-ui.css",
        source: node.join("swagger-ui-dist/swagger-ui.css"),
        content_type: "text/css; charset=utf-8",
    });
    assets.push(Asset {
        logical: "swagger-ui-bundle.js",
        source: node.join("swagger-ui-dist/swagger-ui-bundle.js"),
        content_type: "text/javascript; charset=utf-8",
    });
    assets.push(Asset {
        logical: "api-docs.js",
        source: manifest.join("assets/api-docs.js"),
        content_type: "text/javascript; charset=utf-8",
    });
    for weight in ["400", "500", "600", "700"] {
        let file = format!("inter-latin-{weight}-normal.woff2");
        assets.push(Asset {
            logical: Box::leak(file.clone().into_boxed_str()),
            source: fonts.join(&file),
            content_type: "font/woff2",
        });
    }

    let mut generated = String::from(
        "/// (logical name, served name, content type, bytes)\npub static ASSETS: &[(&str, &str, &str, &[u8])] = &[\n",
    );
    let mut names = Vec::new();
    for asset in &assets {
        let bytes = read(&asset.source);
        let served = fingerprint(asset.logical, &bytes);
        let target = out.join(&served);
        write(&target, &bytes);
        names.push((asset.logical, served.clone()));
        let _ = writeln!(
            generated,
            "    ({:?}, {:?}, {:?}, include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{}\"))),",
            asset.logical, served, asset.content_type, served
        );
    }
    // Our own CSS names the fonts by their served names.
    let app_source = manifest.join("assets/app.css");
    let mut app_css = String::from_utf8(read(&app_source)).unwrap_or_default();
    for (logical, served) in &names {
        app_css = app_css.replace(&format!("{{{{{logical}}}}}"), &format!("/static/{served}"));
    }
    let served = fingerprint("app.css", app_css.as_bytes());
    write(&out.join(&served), app_css.as_bytes());
    let _ = writeln!(
        generated,
        "    (\"app.css\", {served:?}, \"text/css; charset=utf-8\", include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{served}\"))),"
    );
    generated.push_str("];\n");
    write(&out.join("assets.rs"), generated.as_bytes());

    messages(&manifest, &out);
}

fn fingerprint(logical: &str, bytes: &[u8]) -> String {
    let hash = hex::encode(Sha256::digest(bytes));
    let (stem, ext) = logical.rsplit_once('.').unwrap_or((logical, ""));
    format!("{stem}.{}.{ext}", &hash[..12])
}

fn read(path: &Path) -> Vec<u8> {
    println!("cargo:rerun-if-changed={}", path.display());
    match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            println!(
                "cargo:warning=missing {}: {e}. Run `make` (or `npm ci`) in the repository root first.",
                path.display()
            );
            std::process::exit(1);
        }
    }
}

fn write(path: &Path, bytes: &[u8]) {
    if let Err(e) = std::fs::write(path, bytes) {
        println!("cargo:warning=cannot write {}: {e}", path.display());
        std::process::exit(1);
    }
}

/// Each `messages/<lang>.txt` holds `key = text` lines (`#` starts a comment).
/// Every language must have exactly the keys of `nb.txt`.
fn messages(manifest: &Path, out: &Path) {
    let dir = manifest.join("messages");
    println!("cargo:rerun-if-changed={}", dir.display());
    let parse = |lang: &str| -> Vec<(String, String)> {
        let text = String::from_utf8(read(&dir.join(format!("{lang}.txt")))).unwrap_or_default();
        let mut entries = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                println!(
                    "cargo:warning=messages/{lang}.txt line {}: expected `key = text`",
                    n + 1
                );
                std::process::exit(1);
            };
            entries.push((key.trim().to_owned(), value.trim().to_owned()));
        }
        entries
    };
    let nb = parse("nb");
    let mut code = String::from(
        "/// The user-interface texts of one language, from `messages/<lang>.txt`.\n#[derive(Debug)]\npub struct Messages {\n",
    );
    for (key, _) in &nb {
        let _ = writeln!(code, "    pub {key}: &'static str,");
    }
    code.push_str("}\n");
    // Every other language file becomes a constant of its own, e.g. `NN`.
    let mut langs = vec!["nb".to_owned()];
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut others: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                e.file_name()
                    .to_str()
                    .and_then(|n| n.strip_suffix(".txt"))
                    .map(str::to_owned)
            })
            .filter(|l| l != "nb")
            .collect();
        others.sort();
        langs.extend(others);
    }
    for lang in langs {
        let entries = parse(&lang);
        let keys: Vec<&String> = entries.iter().map(|(k, _)| k).collect();
        let expected: Vec<&String> = nb.iter().map(|(k, _)| k).collect();
        if keys != expected {
            let missing: Vec<_> = expected.iter().filter(|k| !keys.contains(k)).collect();
            let extra: Vec<_> = keys.iter().filter(|k| !expected.contains(k)).collect();
            println!(
                "cargo:warning=messages/{lang}.txt must have the keys of nb.txt, in the same order; missing {missing:?}, extra {extra:?}"
            );
            std::process::exit(1);
        }
        let _ = writeln!(
            code,
            "\n/// Texts from `messages/{lang}.txt`.\npub static {}: Messages = Messages {{",
            lang.to_uppercase()
        );
        for (key, value) in &entries {
            let _ = writeln!(code, "    {key}: {value:?},");
        }
        code.push_str("};\n");
    }
    write(&out.join("messages.rs"), code.as_bytes());
}
