//! Two things for the linker, both about what a start costs, on Linux with glibc:
//!
//! - The machine code's order: what runs from `exec` to the first frame sits together at the
//!   front of `.text` (the list is `src/hot.ld`, made from a profile of the start-up by
//!   `cargo test --test e2e -- --ignored write_hot_functions`). The kernel maps a program's
//!   code 64 KiB around each page it first touches, so functions scattered over the whole
//!   binary make every byte of it resident; gathered, the start-up touches a third of it.
//!   The same functions, the same instructions, only their order.
//! - The unwinder linked in (`libgcc_eh`, as Rust's own static builds link it) instead of
//!   loaded from `libgcc_s.so.1`: one shared library fewer to find, map and relocate at
//!   every start, and its pages not resident. `-lgcc_s`, which rustc asks for, finds a
//!   script in `OUT_DIR` that names the archive.

use std::env;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=src/hot.ld");
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");
    let target = |key: &str| env::var(key).unwrap_or_default();
    // GNU ld and LLD (Rust's default linker on Linux) read a script that only adds to their
    // default layout (`INSERT`); other linkers, or a linker chosen by hand, get the default.
    let rustflags = target("CARGO_ENCODED_RUSTFLAGS");
    let linker_chosen = env::var_os("RUSTC_LINKER").is_some()
        || rustflags.contains("fuse-ld")
        || rustflags.contains("linker");
    if target("CARGO_CFG_TARGET_OS") != "linux"
        || target("CARGO_CFG_TARGET_ENV") != "gnu"
        || linker_chosen
    {
        return;
    }
    let out = PathBuf::from(target("OUT_DIR"));
    if std::fs::write(out.join("libgcc_s.so"), "INPUT(-lgcc_eh -lgcc)\n").is_ok() {
        println!("cargo:rustc-link-search=native={}", out.display());
    }
    let script = Path::new(&target("CARGO_MANIFEST_DIR")).join("src/hot.ld");
    match script.to_str() {
        // `-Wl,` splits at commas.
        Some(path) if !path.contains(',') => {
            println!("cargo:rustc-link-arg-bins=-Wl,-T,{path}");
        }
        _ => {}
    }
}
