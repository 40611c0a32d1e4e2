//! The check that no child's data is reachable without a capability
//! (DESIGN.md, Access; issue #10, «One place decides»).
//!
//! It parses the modules that hold children's data — `children.rs`,
//! `casework.rs` and every file in `log/`, `meetings/` (meeting content
//! is log content) and `portal/` (what the family reads and writes) — and
//! fails when a public free
//! function there takes no capability: a parameter whose type is one of the
//! capability types of `laget_domain::access` (a type with `impl Capability`,
//! one made by the `capability!`/`as_its_reader!` macros, a trait that
//! extends `Capability` — the family's `FamilyReader` and `FamilyWriter`
//! among them), or the `Actor`, for the lists that decide each log
//! with `Actor::open_log` inside. The capability names are read from the
//! access module's source, so a new capability counts without editing this
//! file.
//!
//! Lookups that must run before a decision live in `lookup.rs`, which is not
//! a child-data module. The few functions below read municipal settings and
//! names, no child's data; each is named with its reason, and an entry that
//! no longer exists fails the check too.

#![allow(
    clippy::panic,
    reason = "a check that cannot read the source says so and fails"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Public functions in the child-data modules that read no child's data.
const NO_CHILD_DATA: &[(&str, &str)] = &[
    (
        "settings",
        "the municipality's escalation model and consent rule",
    ),
    ("bbis_themes", "the municipality's BBIS themes"),
    (
        "timeline_names",
        "the municipality's names for stored codes",
    ),
    (
        "for_kind",
        "the municipality's meeting template for a kind (meetings/templates.rs)",
    ),
    (
        "enqueue",
        "records an e-mail to send in the transaction of a change that took a capability (meetings/mail.rs); reads nothing",
    ),
    (
        "to_send",
        "the outbox job's read of one recorded e-mail (meetings/mail.rs): the change that recorded it took the capability",
    ),
    (
        "finish",
        "the outbox job records how an e-mail went (meetings/mail.rs)",
    ),
    (
        "withhold_demo",
        "marks the e-mail the demo's seeding queued as not sent (meetings/mail.rs): ids and states only, called by the demo at the console",
    ),
    (
        "last_valid_day",
        "the last day a consent given in the portal may run to, from a birth date and today (portal/consent.rs): date arithmetic, reads nothing",
    ),
    (
        "facts",
        "what the access rules need about a standing team, ids and flags, read before the decision (meetings/teams.rs; lookup.rs is the place for such reads)",
    ),
];

/// Files of the child-data modules that hold no child's data at all, with
/// the reason. Each must still exist.
const NO_CHILD_DATA_FILES: &[(&str, &str)] = &[
    (
        "portal/citizens.rs",
        "who a citizen is (their national identity number, their chosen language), read by the session before any access decision",
    ),
    (
        "portal/sessions.rs",
        "citizens' login sessions, found by the middleware before any access decision",
    ),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn parse(path: &Path) -> syn::File {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()))
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    files
}

fn last_ident(path: &syn::Path) -> Option<String> {
    path.segments.last().map(|s| s.ident.to_string())
}

fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => last_ident(&p.path),
        _ => None,
    }
}

/// The capability types and traits of `laget_domain::access`, from its source.
fn capabilities() -> BTreeSet<String> {
    let dir = src().join("../../domain/src/access");
    let mut names = BTreeSet::from(["Capability".to_owned(), "Actor".to_owned()]);
    for file in rust_files(&dir) {
        for item in parse(&file).items {
            match item {
                syn::Item::Impl(i) => {
                    let is_cap = i
                        .trait_
                        .as_ref()
                        .and_then(|(_, p, _)| last_ident(p))
                        .is_some_and(|t| t == "Capability");
                    if let (true, Some(n)) = (is_cap, type_name(&i.self_ty)) {
                        names.insert(n);
                    }
                }
                syn::Item::Trait(t) => {
                    let extends = t.supertraits.iter().any(|b| {
                        matches!(b, syn::TypeParamBound::Trait(tb)
                            if last_ident(&tb.path).is_some_and(|n| n == "Capability"))
                    });
                    if extends {
                        names.insert(t.ident.to_string());
                    }
                }
                syn::Item::Macro(m) => {
                    let tokens: Vec<String> = m
                        .mac
                        .tokens
                        .clone()
                        .into_iter()
                        .map(|t| t.to_string())
                        .collect();
                    match last_ident(&m.mac.path).as_deref() {
                        // capability!(Type, |s| actor, ground)
                        Some("capability") => names.extend(tokens.into_iter().take(1)),
                        // as_its_reader!(A, B, C), as_report_reader!(A, B, C)
                        Some("as_its_reader" | "as_report_reader") => {
                            names.extend(tokens.into_iter().filter(|t| t != ","))
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
    }
    names
}

/// The traits among `items` that extend `Capability`.
fn capability_traits(items: &[syn::Item]) -> Vec<String> {
    items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Trait(t)
                if t.supertraits.iter().any(|b| {
                    matches!(b, syn::TypeParamBound::Trait(tb)
                        if last_ident(&tb.path).is_some_and(|n| n == "Capability"))
                }) =>
            {
                Some(t.ident.to_string())
            }
            _ => None,
        })
        .collect()
}

/// Whether a parameter's type names one of `caps`: `&T`, `&mut T`, `T`,
/// `&dyn T`, `&impl T`.
fn names_capability(ty: &syn::Type, caps: &BTreeSet<String>) -> bool {
    match ty {
        syn::Type::Reference(r) => names_capability(&r.elem, caps),
        syn::Type::Paren(p) => names_capability(&p.elem, caps),
        syn::Type::Path(p) => last_ident(&p.path).is_some_and(|n| caps.contains(&n)),
        syn::Type::TraitObject(t) => t.bounds.iter().any(|b| bound_names(b, caps)),
        syn::Type::ImplTrait(t) => t.bounds.iter().any(|b| bound_names(b, caps)),
        _ => false,
    }
}

fn bound_names(b: &syn::TypeParamBound, caps: &BTreeSet<String>) -> bool {
    matches!(b, syn::TypeParamBound::Trait(t)
        if last_ident(&t.path).is_some_and(|n| caps.contains(&n)))
}

/// The public free functions of `items` (and of inline modules) that take
/// no capability, as «file: name».
fn without_capability(
    file: &str,
    items: &[syn::Item],
    caps: &BTreeSet<String>,
    found: &mut Vec<String>,
    public: &mut Vec<String>,
) {
    for item in items {
        match item {
            syn::Item::Fn(f) if matches!(f.vis, syn::Visibility::Public(_)) => {
                let name = f.sig.ident.to_string();
                public.push(name.clone());
                // A generic `C: EditsOffers` counts like `&impl EditsOffers`.
                let generic: BTreeSet<String> = f
                    .sig
                    .generics
                    .type_params()
                    .filter(|p| p.bounds.iter().any(|b| bound_names(b, caps)))
                    .map(|p| p.ident.to_string())
                    .collect();
                let takes = f.sig.inputs.iter().any(|arg| match arg {
                    syn::FnArg::Typed(t) => {
                        names_capability(&t.ty, caps) || names_capability(&t.ty, &generic)
                    }
                    syn::FnArg::Receiver(_) => false,
                });
                if !takes && !NO_CHILD_DATA.iter().any(|(n, _)| *n == name) {
                    found.push(format!("{file}: {name}"));
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    without_capability(file, inner, caps, found, public);
                }
            }
            _ => {}
        }
    }
}

fn child_data_files() -> Vec<PathBuf> {
    let mut files = vec![src().join("children.rs"), src().join("casework.rs")];
    files.extend(rust_files(&src().join("log")));
    files.extend(rust_files(&src().join("meetings")));
    files.extend(rust_files(&src().join("reports")));
    files.extend(rust_files(&src().join("plans")));
    files.extend(rust_files(&src().join("portal")).into_iter().filter(|p| {
        !NO_CHILD_DATA_FILES
            .iter()
            .any(|(f, _)| p.ends_with(Path::new(f)))
    }));
    files
}

#[test]
fn every_public_function_on_childrens_data_takes_a_capability() {
    let caps = capabilities();
    for known in [
        "LogReader",
        "LogWriter",
        "UnitCasework",
        "BreakGlassRight",
        "EditsOffers",
        "FamilyReader",
        "FamilyWriter",
    ] {
        assert!(caps.contains(known), "{known} not found among {caps:?}");
    }
    // A trait that extends `Capability` in a scanned module (a capability
    // some db functions accept from several kinds of reader) counts too.
    let mut caps = caps;
    for path in child_data_files() {
        caps.extend(capability_traits(&parse(&path).items));
    }
    let mut found = Vec::new();
    let mut public = Vec::new();
    for path in child_data_files() {
        let file = path
            .strip_prefix(src())
            .unwrap_or(&path)
            .display()
            .to_string();
        without_capability(&file, &parse(&path).items, &caps, &mut found, &mut public);
    }
    assert!(
        public.len() > 40,
        "the child-data modules were not read: {public:?}"
    );
    assert!(
        found.is_empty(),
        "public functions on children's data without a capability from \
         laget_domain::access (take one, or move a lookup that must run before \
         the decision to lookup.rs): {found:#?}"
    );
    for (file, why) in NO_CHILD_DATA_FILES {
        assert!(
            src().join(file).is_file(),
            "{file} ({why}) is allowed as holding no child's data but no longer exists"
        );
    }
    for (name, why) in NO_CHILD_DATA {
        assert!(
            public.iter().any(|p| p == name),
            "{name} ({why}) is listed as reading no child's data but no longer exists"
        );
    }
}
