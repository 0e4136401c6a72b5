//! What a keystroke costs: parsing the document, rendering a frame, a navigation step, a search
//! keystroke. Run with `cargo bench`.

use std::time::Instant;

use divan::{Bencher, black_box};
use malbild::app::{Action, App, Config};
use malbild::backend::FrameWriter;
use malbild::content::{self, Outline};
use malbild::i18n::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::{Rect, Size};
use ratatui::widgets::Widget;

fn main() {
    divan::main();
}

fn app(width: u16, height: u16) -> App {
    let now = Instant::now();
    let mut app = App::new(Outline::bundled(), Config::default(), now);
    app.update(Action::Resize { width, height }, now);
    app
}

fn terminal(width: u16, height: u16) -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(width, height)).expect("test backend")
}

/// Parse, validate and clean the bundled document.
#[divan::bench]
fn parse_and_validate() -> Outline {
    content::load(content::BUNDLED_NAME, black_box(content::BUNDLED)).expect("valid")
}

/// Load a broken data file and word its report: what `--check` costs on a mistake.
#[divan::bench(args = ["several-problems", "missing-comma", "unknown-field"])]
fn load_broken_and_report(bencher: Bencher, name: &str) {
    let path = format!(
        "{}/tests/data/broken/{name}.ron",
        env!("CARGO_MANIFEST_DIR")
    );
    let source = std::fs::read_to_string(path).expect("a broken data file");
    bencher.bench_local(|| {
        let error = content::load("x.ron", black_box(&source)).expect_err("broken");
        error.render(Lang::Sv)
    });
}

/// Render one whole frame of the app into a cleared buffer: the view's own cost.
#[divan::bench(args = [(80, 24), (200, 60)])]
fn render_frame(bencher: Bencher, (width, height): (u16, u16)) {
    let app = app(width, height);
    let area = Rect::new(0, 0, width, height);
    let mut buffer = Buffer::empty(area);
    bencher.bench_local(|| {
        buffer.reset();
        (&app).render(area, &mut buffer);
    });
}

/// A whole frame as the terminal gets it: render, ratatui's diff against the previous frame, and
/// the escape sequences written (into memory). Alternates two screens so every frame has changes.
#[divan::bench(args = [(80, 24), (200, 60)])]
fn frame_to_terminal_bytes(bencher: Bencher, (width, height): (u16, u16)) {
    let now = Instant::now();
    let mut app = app(width, height);
    let Ok(mut terminal) = Terminal::new(FrameWriter::new(Size::new(width, height)));
    let mut down = true;
    bencher.bench_local(|| {
        if !app
            .update(if down { Action::Last } else { Action::First }, now)
            .redraw
        {
            down = !down;
        }
        let Ok(_) = terminal.draw(|f| f.render_widget(&app, f.area()));
        black_box(terminal.backend_mut().take());
    });
}

/// One arrow key: update, then render the changed frame.
#[divan::bench]
fn navigation_step(bencher: Bencher) {
    let mut app = app(80, 24);
    let mut term = terminal(80, 24);
    let now = Instant::now();
    let mut down = true;
    bencher.bench_local(|| {
        if !app
            .update(if down { Action::Down } else { Action::Up }, now)
            .redraw
        {
            down = !down;
        }
        term.draw(|f| f.render_widget(&app, f.area()))
            .expect("draw");
    });
}

/// One search keystroke: the query grows by a letter, the tree is filtered, the first match
/// selected (update only; rendering is measured above).
#[divan::bench]
fn search_keystroke(bencher: Bencher) {
    let now = Instant::now();
    bencher
        .with_inputs(|| {
            let mut app = app(80, 24);
            app.update(Action::SearchOpen, now);
            app.update(Action::SearchInput("kommu".into()), now);
            app
        })
        .bench_local_values(|mut app| {
            app.update(Action::SearchInput("n".into()), now);
            app
        });
}

/// One search keystroke with its frame: what a user waits for.
#[divan::bench]
fn search_keystroke_and_render(bencher: Bencher) {
    let now = Instant::now();
    let mut term = terminal(80, 24);
    bencher
        .with_inputs(|| {
            let mut app = app(80, 24);
            app.update(Action::SearchOpen, now);
            app.update(Action::SearchInput("giftutsl".into()), now);
            app
        })
        .bench_local_values(|mut app| {
            app.update(Action::SearchInput("a".into()), now);
            term.draw(|f| f.render_widget(&app, f.area()))
                .expect("draw");
            app
        });
}
