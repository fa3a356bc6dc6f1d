//! The README's rules table is generated from the registry. This test fails
//! when they differ; `make readme` (UPDATE_README=1) rewrites the table.

#[test]
fn readme_rules_table_matches_the_registry() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
    let a = readme.find(start).expect("rules:start marker") + start.len();
    let b = readme.find(end).expect("rules:end marker");
    let table = kubeharden::rules::catalog_markdown();
    if readme[a..b] != table {
        if std::env::var_os("UPDATE_README").is_some() {
            std::fs::write(&path, format!("{}{}{}", &readme[..a], table, &readme[b..])).unwrap();
            return;
        }
        panic!("README rules table is out of date: run `make readme`");
    }
}
