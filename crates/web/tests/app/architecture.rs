//! Checks on the shape of the code that the compiler does not make: no two
//! modules of a crate import each other, directly or around a circle.
//!
//! A module is one source file (`src/log/page.rs` is `log::page`). An import
//! is a path through `crate::` to another module, or a child's path through
//! `super::` to a sibling's module. A parent's declaration and re-export of its
//! own children (`mod view; pub use view::*;`) and a child's `use super::*` are
//! the module tree, not imports, and are not counted. Test modules at the end
//! of a file (`#[cfg(test)] mod tests`) are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The crates whose modules must not import each other in a circle.
const CRATES: &[&str] = &["domain", "db", "web", "cli", "testkit"];

/// `src/a/b.rs` → `a::b`; `src/a/mod.rs` → `a`; `src/lib.rs` → ``.
fn module_name(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap_or(file).with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|l| l == "mod") {
        parts.pop();
    }
    if parts.len() == 1 && (parts[0] == "lib" || parts[0] == "main") {
        parts.clear();
    }
    parts.join("::")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source without comments and without a trailing test module.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The module paths named after `prefix` (`crate::`): for
/// `crate::log::page::open` and `use crate::{view, extract::user}`, the
/// candidate segment lists `[log, page, open]`, `[view]`, `[extract, user]`.
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().last();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(is_ident) {
            continue;
        }
        if rest.starts_with('{') {
            // A group: every item's leading segments.
            let mut depth = 0usize;
            let mut end = rest.len();
            for (j, c) in rest.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = j;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let group = &rest[1..end.max(1)];
            for item in group.split([',', '{', '}']) {
                let segs: Vec<String> = item
                    .trim()
                    .split("::")
                    .map(|s| s.split_whitespace().next().unwrap_or("").to_owned())
                    .filter(|s| !s.is_empty() && s.chars().all(is_ident))
                    .collect();
                if !segs.is_empty() {
                    found.push(segs);
                }
            }
            continue;
        }
        let path: String = rest
            .chars()
            .take_while(|c| is_ident(*c) || *c == ':')
            .collect();
        let segs: Vec<String> = path
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if !segs.is_empty() {
            found.push(segs);
        }
    }
    found
}

/// The longest module that `segs` (relative to `base`) names, if any.
fn resolve(modules: &BTreeSet<String>, base: &[String], segs: &[String]) -> Option<String> {
    (1..=segs.len()).rev().find_map(|k| {
        let name = base
            .iter()
            .chain(&segs[..k])
            .cloned()
            .collect::<Vec<_>>()
            .join("::");
        modules.contains(&name).then_some(name)
    })
}

/// Module → the modules it imports, for the files given as (module, code).
fn graph(files: &[(String, String)]) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<String> = files.iter().map(|(m, _)| m.clone()).collect();
    let mut edges = BTreeMap::new();
    for (module, code) in files {
        let mut to = BTreeSet::new();
        for segs in paths_after(code, "crate::") {
            to.extend(resolve(&modules, &[], &segs));
        }
        // `super::sibling::…` from a child: the sibling, not the parent.
        let parent: Vec<String> = module
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let parent = &parent[..parent.len().saturating_sub(1)];
        for segs in paths_after(code, "super::") {
            if let Some(target) = resolve(&modules, parent, &segs)
                && target != parent.join("::")
            {
                to.insert(target);
            }
        }
        to.remove(module);
        // A module's own descendants are the module tree.
        to.retain(|t| !t.starts_with(&format!("{module}::")) || module.is_empty());
        if module.is_empty() {
            to.clear();
        }
        edges.insert(module.clone(), to);
    }
    edges
}

/// The circles of `edges` (strongly connected groups of more than one).
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Tarjan's algorithm, iterative enough for a few hundred modules.
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        if let Some(targets) = s.edges.get(v) {
            for w in targets {
                let w = w.as_str();
                if !s.index.contains_key(w) {
                    visit(s, w);
                    let lw = s.low[w];
                    let lv = s.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(lw);
                } else if s.on_stack.contains(w) {
                    let iw = s.index[w];
                    let lv = s.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(iw);
                }
            }
        }
        if s.low[v] == s.index[v] {
            let mut group = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                group.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                s.found.push(group);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found
}

#[test]
fn no_module_imports_another_in_a_circle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut report = Vec::new();
    for krate in CRATES {
        let src = root.join("crates").join(krate).join("src");
        let mut paths = Vec::new();
        rust_files(&src, &mut paths);
        assert!(!paths.is_empty(), "no sources found in {}", src.display());
        let files: Vec<(String, String)> = paths
            .iter()
            .map(|p| {
                let text = std::fs::read_to_string(p).expect("readable source");
                (module_name(&src, p), code_of(&text))
            })
            .collect();
        for circle in circles(&graph(&files)) {
            report.push(format!("{krate}: {}", circle.join(" ↔ ")));
        }
    }
    assert!(
        report.is_empty(),
        "modules import each other:\n{}",
        report.join("\n")
    );
}

/// The check finds what it is there to find: two files that import each
/// other, a circle of three, and one through `super::`, but not a parent
/// that re-exports its child.
#[test]
fn the_circle_check_finds_circles() {
    let files = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(m, c)| ((*m).to_owned(), code_of(c)))
            .collect()
    };
    let two = files(&[
        ("error", "use crate::view::layout::Layout;"),
        ("view", ""),
        ("view::layout", "use crate::{error::AppError};"),
    ]);
    assert_eq!(
        circles(&graph(&two)),
        vec![vec!["error".to_owned(), "view::layout".to_owned()]]
    );
    let three = files(&[
        ("a", "fn f() { crate::b::g() }"),
        ("b", "use crate::c;"),
        ("c", "use crate::{x, a::Thing};"),
    ]);
    assert_eq!(circles(&graph(&three)).len(), 1);
    let siblings = files(&[
        ("log", "mod page; mod work; pub use page::*;"),
        ("log::page", "use super::work::helper;"),
        ("log::work", "use super::page::open;"),
    ]);
    assert_eq!(
        circles(&graph(&siblings)),
        vec![vec!["log::page".to_owned(), "log::work".to_owned()]]
    );
    let tree = files(&[
        ("log", "mod view; pub use view::*; fn shared() {}"),
        (
            "log::view",
            "use super::*; // crate::log::page in a comment",
        ),
        ("other", "use crate::log::view::View;"),
    ]);
    assert!(circles(&graph(&tree)).is_empty());
}
