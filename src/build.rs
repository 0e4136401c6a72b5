//! The bundled document, `data/smedjebacken.ron`, read here into the
//! library's own serde types (`src/content/schema/types.rs`, the same file) and written to
//! `OUT_DIR/bundled.rs` as the Rust expression that builds it, so a start runs no parser. A file
//! that does not parse fails the build with ron's position; `cargo test` loads it again with
//! every check the library has and compares the two.

use std::env;
use std::fmt::Write as _;
use std::path::Path;

#[path = "content/schema/types.rs"]
mod types;

fn main() {
    bundled_document();
}

/// The data file compiled into the program, from the manifest's directory.
const BUNDLED: &str = "data/smedjebacken.ron";

/// Parses the bundled document and writes the Rust that builds it to `OUT_DIR/bundled.rs`.
fn bundled_document() {
    println!("cargo:rerun-if-changed={BUNDLED}");
    let path = Path::new(&env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default()).join(BUNDLED);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| fail(&format!("{BUNDLED}: cannot be read: {e}")));
    let document: types::Document = types::ron_options().from_str(&text).unwrap_or_else(|e| {
        let at = e.span.start;
        fail(&format!(
            "{BUNDLED}:{}:{}: the bundled document does not parse: {}",
            at.line, at.col, e.code
        ))
    });
    let mut code = String::new();
    document.emit(&mut code);
    code.push('\n');
    let out = Path::new(&env::var_os("OUT_DIR").unwrap_or_default()).join("bundled.rs");
    if let Err(e) = std::fs::write(&out, code) {
        fail(&format!("{}: cannot be written: {e}", out.display()));
    }
}

/// Ends the build with one sentence, not a panic's backtrace.
fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}

/// A value written out as the Rust expression that makes it again.
trait Emit {
    fn emit(&self, out: &mut String);
}

impl Emit for String {
    fn emit(&self, out: &mut String) {
        // `Debug` of a `str` is a Rust string literal: quotes, backslashes, control and
        // non-printing characters escaped, everything else as it is.
        let _ = write!(out, "String::from({:?})", self.as_str());
    }
}

impl<T: Emit> Emit for Vec<T> {
    fn emit(&self, out: &mut String) {
        out.push_str("vec![");
        for item in self {
            item.emit(out);
            out.push_str(",\n");
        }
        out.push(']');
    }
}

/// A struct literal of every field. The pattern names them all, so a field added to the
/// types does not build until it is written out here too.
macro_rules! emit_struct {
    ($name:ident { $($field:ident),* $(,)? }) => {
        impl Emit for types::$name {
            fn emit(&self, out: &mut String) {
                let types::$name { $($field),* } = self;
                out.push_str(concat!(stringify!($name), " {\n"));
                $(
                    out.push_str(concat!(stringify!($field), ": "));
                    $field.emit(out);
                    out.push_str(",\n");
                )*
                out.push('}');
            }
        }
    };
}

emit_struct!(Document {
    organisation,
    title,
    vision,
    introduction,
    perspectives,
    contact,
    last_updated_label,
    last_updated,
});
emit_struct!(Vision { id, title, text });
emit_struct!(Perspective {
    id,
    title,
    text,
    goals,
});
emit_struct!(Goal { id, title, text });
emit_struct!(Contact { title, lines });
