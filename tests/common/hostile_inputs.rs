//! Merge bombs shared by the native (tests/hostile.rs) and the wasm
//! (tests/wasm.rs) hostile-input tests.

/// Merges that share their sources many times over (each level merges the
/// previous one four times), a merge chain deeper than the nesting limit,
/// and a Pod whose spec merges a wide DAG.
pub fn merge_bombs() -> Vec<String> {
    let mut dag = String::from("a0: &a0 {x: 1}\n");
    let mut chain = String::from("a0: &a0 {x: 1}\n");
    for i in 1..40 {
        let p = i - 1;
        dag.push_str(&format!(
            "a{i}: &a{i} {{<<: [*a{p}, *a{p}, *a{p}, *a{p}]}}\n"
        ));
    }
    for i in 1..600 {
        let p = i - 1;
        chain.push_str(&format!("a{i}: &a{i} {{<<: *a{p}, k{i}: {i}}}\n"));
    }
    let mut wide = String::from("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nl0: &l0 {a: 1}\n");
    for i in 1..30 {
        let p = i - 1;
        wide.push_str(&format!("l{i}: &l{i} {{<<: [*l{p}, *l{p}, *l{p}]}}\n"));
    }
    wide.push_str("spec: {<<: *l29, containers: [{name: c, image: nginx}]}\n");
    vec![dag, chain, wide]
}
