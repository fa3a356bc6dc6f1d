//! Work spread over every core natively (rayon's pool); in WebAssembly,
//! which has no threads here, the same work in order.

/// `f` over `items`, the results in the items' order. `parallel` false (a
/// small input, where handing work to other threads costs more than it
/// saves) runs in order on the calling thread.
pub fn map<T: Sync, R: Send>(
    items: &[T],
    parallel: bool,
    f: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    map_owned(items.iter().collect(), parallel, f)
}

/// `map`, each item moved into `f`.
pub fn map_owned<T: Send, R: Send>(
    items: Vec<T>,
    parallel: bool,
    f: impl Fn(T) -> R + Sync + Send,
) -> Vec<R> {
    #[cfg(not(target_arch = "wasm32"))]
    if parallel && items.len() > 1 {
        use rayon::prelude::*;
        return items.into_par_iter().map(f).collect();
    }
    #[cfg(target_arch = "wasm32")]
    let _ = parallel;
    items.into_iter().map(f).collect()
}
