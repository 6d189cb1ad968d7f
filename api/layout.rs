//! The layout's rule, checked: plumbing never imports a feature. Plumbing is every module at the
//! crate's root and in the folders below; features are the other folders; the assembly (`app`,
//! `server`, `cli`) may import both.

#[cfg(test)]
mod tests {
    use std::{fs, path::Path};

    const PLUMBING_FOLDERS: [&str; 5] = ["config", "couriers", "db", "http", "redis"];
    /// The assembly, and this file (its test names a feature).
    const NOT_PLUMBING: [&str; 6] = [
        "app.rs",
        "cli.rs",
        "layout.rs",
        "lib.rs",
        "main.rs",
        "server.rs",
    ];

    fn api() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("api")
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut all: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        all.sort();
        all
    }

    fn features() -> Vec<String> {
        names(&api())
            .into_iter()
            .filter(|n| api().join(n).is_dir() && !PLUMBING_FOLDERS.contains(&n.as_str()))
            .collect()
    }

    fn rust_files(path: &Path, out: &mut Vec<std::path::PathBuf>) {
        if path.is_dir() {
            for name in names(path) {
                rust_files(&path.join(name), out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path.to_path_buf());
        }
    }

    fn plumbing_files() -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for name in names(&api()) {
            let path = api().join(&name);
            let root_file = path.is_file() && !NOT_PLUMBING.contains(&name.as_str());
            if root_file || PLUMBING_FOLDERS.contains(&name.as_str()) {
                rust_files(&path, &mut out);
            }
        }
        out
    }

    /// The crate's top-level modules that `source` names: `crate::x`, `crate::{x, y::z}`.
    fn crate_modules(source: &str) -> Vec<String> {
        let mut found = Vec::new();
        for (at, _) in source.match_indices("crate::") {
            let rest = &source[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let mut depth = 1;
                let mut item_start = true;
                let mut word = String::new();
                for c in group.chars() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 1 => break,
                        '}' => depth -= 1,
                        ',' if depth == 1 => item_start = true,
                        c if depth == 1 && item_start && (c.is_alphanumeric() || c == '_') => {
                            word.push(c)
                        }
                        _ if !word.is_empty() => {
                            found.push(std::mem::take(&mut word));
                            item_start = false;
                        }
                        _ => {}
                    }
                }
                found.extend((!word.is_empty()).then_some(word));
            } else {
                let word: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                found.push(word);
            }
        }
        found
    }

    #[test]
    fn the_parser_sees_grouped_and_single_imports() {
        let source =
            "use crate::{\n    config::{self, Config},\n    db,\n};\nlet x = crate::push::notify;";
        assert_eq!(crate_modules(source), ["config", "db", "push"]);
    }

    #[test]
    fn plumbing_never_imports_a_feature() {
        let features = features();
        assert!(features.contains(&"accounts".to_string()), "{features:?}");
        let mut wrong = Vec::new();
        for file in plumbing_files() {
            let source = fs::read_to_string(&file).unwrap();
            for module in crate_modules(&source) {
                if features.contains(&module) {
                    let file = file.strip_prefix(api()).unwrap().display().to_string();
                    wrong.push(format!("{file} imports {module}"));
                }
            }
        }
        assert!(wrong.is_empty(), "plumbing imports features: {wrong:#?}");
    }
}
