//! A stranger at the screen: someone who has never seen malbild and presses only the keys its
//! bottom line shows. From the start screen, breadth first over every state those keys reach,
//! in each mode at each size, this checks that
//!
//! - the whole text of the vision (the contact included) and of every goal comes on screen;
//! - the start screen (the tree, the vision selected, nothing open) can be reached again from
//!   every state, by shown keys;
//! - every key the bottom line shows does something where it is shown.
//!
//! It prints, for each mode and size, how many states it explored and the most keys a stranger
//! needs to reach a goal's text (`cargo test --test stranger -- --nocapture`).

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::time::Instant;

use malbild::app::{Action, App, Config, Effect, Focus, LineKind};
use malbild::content::Outline;
use malbild::i18n::Lang;
use malbild::keymap::{self, Context};
use malbild::layout;
use malbild::text;
use malbild::ui;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

/// More states than any mode has: the search stops here rather than run away.
const MOST_STATES: usize = 50_000;

/// What tells two states apart: everything the model shows or acts on.
type Key = String;

fn key_of(app: &App) -> Key {
    format!(
        "{:?}|{:?}|{}|{:?}|{}|{}|{}|{:?}|{:?}|{}|{}|{:?}",
        app.lang,
        app.expanded,
        app.selected,
        app.focus,
        app.help,
        app.help_scroll,
        app.search.editing,
        app.search.query,
        app.search.matches,
        app.tree_offset,
        app.detail_scroll,
        app.status,
    )
}

/// The start screen as a stranger knows it: the tree, the vision selected, nothing open.
fn at_start(app: &App) -> bool {
    app.selected == 0
        && app.focus == Focus::Tree
        && !app.help
        && !app.search.editing
        && app.search.query.is_empty()
        && app.expanded.iter().all(|&e| e)
}

/// The keys a hint's key column stands for.
fn keys_named(name: &str) -> Vec<KeyEvent> {
    let plain = |c| KeyEvent::new(c, KeyModifiers::NONE);
    let one = |n: &str| -> Vec<KeyEvent> {
        match n {
            "↑" => vec![plain(KeyCode::Up)],
            "↓" => vec![plain(KeyCode::Down)],
            "←" => vec![plain(KeyCode::Left)],
            "→" => vec![plain(KeyCode::Right)],
            "Enter" => vec![plain(KeyCode::Enter)],
            "Esc" => vec![plain(KeyCode::Esc)],
            "Tab" => vec![plain(KeyCode::Tab)],
            "Home" => vec![plain(KeyCode::Home)],
            "End" => vec![plain(KeyCode::End)],
            "PgUp" => vec![plain(KeyCode::PageUp)],
            "PgDn" => vec![plain(KeyCode::PageDown)],
            "N" => vec![KeyEvent::new(KeyCode::Char('N'), KeyModifiers::SHIFT)],
            r if r.contains('–') => {
                let (a, b) = r.split_once('–').unwrap();
                let (a, b) = (a.parse::<u8>().unwrap(), b.parse::<u8>().unwrap());
                (a..=b)
                    .map(|d| plain(KeyCode::Char(char::from(b'0' + d))))
                    .collect()
            }
            c if c.chars().count() == 1 => vec![plain(KeyCode::Char(c.chars().next().unwrap()))],
            other => panic!("a key name the stranger cannot press: {other:?}"),
        }
    };
    match name {
        "↑↓" => [one("↑"), one("↓")].concat(),
        "←→" => [one("←"), one("→")].concat(),
        n if n.contains('/') && n.len() > 1 => n.split('/').flat_map(one).collect(),
        n => one(n),
    }
}

/// The screen of `app` as text, one string a row.
fn screen(app: &App) -> (Buffer, Vec<String>) {
    let area = Rect::new(0, 0, app.width, app.height);
    let mut buf = Buffer::empty(area);
    app.render(area, &mut buf);
    let rows = (0..area.height)
        .map(|y| {
            (0..area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect();
    (buf, rows)
}

/// The hints the rendered bottom line shows, each with the keys it names.
fn shown_keys(app: &App, rows: &[String]) -> Vec<(String, Vec<KeyEvent>)> {
    let Some(bottom) = rows.last() else {
        return Vec::new();
    };
    ui::hints(app)
        .into_iter()
        .filter(|(key, what, _)| bottom.contains(&format!("{key} {what}")))
        .map(|(key, what, _)| (format!("{key} {what}"), keys_named(&key)))
        .collect()
}

/// The rows of text inside `area` of the buffer, trimmed.
fn rows_in(buf: &Buffer, area: Rect) -> BTreeSet<String> {
    (area.top()..area.bottom())
        .map(|y| {
            (area.left()..area.right())
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .trim()
                .to_string()
        })
        .filter(|r| !r.is_empty())
        .collect()
}

/// The rows of the selected node's own text (not its breadcrumb or title) at the pane's width.
fn body_rows(app: &App) -> BTreeSet<String> {
    let width = usize::from(app.areas().detail_inner.width);
    let mut rows = BTreeSet::new();
    for line in app.detail_lines() {
        if matches!(
            line.kind,
            LineKind::Breadcrumb | LineKind::Title | LineKind::Blank
        ) {
            continue;
        }
        for range in text::wrap(&line.text, width) {
            let row = line.text[range].trim().to_string();
            if !row.is_empty() {
                rows.insert(row);
            }
        }
    }
    rows
}

/// What one exploration found.
struct Found {
    states: usize,
    /// Per node (the vision and the goals): the rows of its text never seen on screen.
    unread: Vec<(String, Vec<String>)>,
    /// Keys pressed to first see each goal's text (its first row), most first.
    most_keys_to_goal: Option<usize>,
    /// States from which no shown keys lead back to the start.
    stranded: Vec<String>,
    /// States where every shown key does nothing.
    dead: Vec<String>,
    /// Hints shown where none of their keys does anything (state, hint).
    dead_hints: Vec<(String, String)>,
}

fn press(app: &App, key: KeyEvent, now: Instant) -> (App, Option<Effect>) {
    let mut next = app.clone();
    let cx = Context::of(&next, None);
    let effect = match keymap::map(&Event::Key(key), cx) {
        Some(action) => next.update(action, now).effect,
        None => None,
    };
    (next, effect)
}

fn explore(config: Config, width: u16, height: u16) -> Found {
    let now = Instant::now();
    let mut start = App::new(Outline::bundled(), config, now);
    start.update(Action::Resize { width, height }, now);
    let targets: Vec<usize> = std::iter::once(0).chain(start.outline.goals()).collect();

    let mut index: HashMap<Key, usize> = HashMap::new();
    let mut apps: Vec<App> = Vec::new();
    let mut depth: Vec<usize> = Vec::new();
    let mut edges: Vec<Vec<usize>> = Vec::new();
    let mut queue = VecDeque::new();
    index.insert(key_of(&start), 0);
    apps.push(start);
    depth.push(0);
    edges.push(Vec::new());
    queue.push_back(0);

    let mut expected: HashMap<usize, BTreeSet<String>> = HashMap::new();
    let mut seen: HashMap<usize, BTreeSet<String>> = HashMap::new();
    let mut first_read: HashMap<usize, usize> = HashMap::new();
    let mut dead = Vec::new();
    let mut dead_hints = Vec::new();

    while let Some(at) = queue.pop_front() {
        assert!(apps.len() < MOST_STATES, "the states never end");
        let app = apps[at].clone();
        let here = key_of(&app);
        let (buf, rows) = screen(&app);

        let node = app.selected;
        if targets.contains(&node) && !app.help && !app.areas().detail_inner.is_empty() {
            let body = body_rows(&app);
            let on_screen = rows_in(&buf, app.areas().detail_inner);
            let read: Vec<String> = body.intersection(&on_screen).cloned().collect();
            if !read.is_empty() && node != 0 {
                first_read.entry(node).or_insert(depth[at]);
            }
            expected.entry(node).or_default().extend(body);
            seen.entry(node).or_default().extend(read);
        }

        let mut steps: Vec<(String, Vec<Vec<KeyEvent>>)> = shown_keys(&app, &rows)
            .into_iter()
            .map(|(hint, keys)| (hint, keys.into_iter().map(|k| vec![k]).collect()))
            .collect();
        if app.search.editing && app.search.query.is_empty() {
            // A stranger at the search line types a word.
            let word = "eko"
                .chars()
                .map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
                .collect();
            steps.push(("a word".into(), vec![word]));
        }
        let mut any = false;
        for (hint, presses) in steps {
            let mut works = false;
            for keys in presses {
                let mut next = app.clone();
                let mut quit = false;
                for &k in &keys {
                    let (n, effect) = press(&next, k, now);
                    next = n;
                    quit |= effect == Some(Effect::Quit);
                }
                if quit {
                    works = true;
                    continue;
                }
                let key = key_of(&next);
                if key == here {
                    continue;
                }
                works = true;
                let to = *index.entry(key).or_insert_with(|| {
                    apps.push(next);
                    depth.push(depth[at] + keys.len());
                    edges.push(Vec::new());
                    queue.push_back(apps.len() - 1);
                    apps.len() - 1
                });
                edges[at].push(to);
            }
            if works {
                any = true;
            } else {
                dead_hints.push((here.clone(), hint));
            }
        }
        if !any {
            dead.push(here);
        }
    }

    // Back to the start: every state from which a start state is reached, by the edges reversed.
    let mut back = vec![false; apps.len()];
    let mut reverse: Vec<Vec<usize>> = vec![Vec::new(); apps.len()];
    for (from, tos) in edges.iter().enumerate() {
        for &to in tos {
            reverse[to].push(from);
        }
    }
    let mut queue: VecDeque<usize> = (0..apps.len()).filter(|&i| at_start(&apps[i])).collect();
    for &i in &queue {
        back[i] = true;
    }
    while let Some(at) = queue.pop_front() {
        for &from in &reverse[at] {
            if !back[from] {
                back[from] = true;
                queue.push_back(from);
            }
        }
    }
    let stranded = (0..apps.len())
        .filter(|&i| !back[i])
        .map(|i| key_of(&apps[i]))
        .collect();

    let outline = &apps[0].outline;
    let unread = targets
        .iter()
        .map(|&n| {
            let want = expected.remove(&n).unwrap_or_default();
            let got = seen.remove(&n).unwrap_or_default();
            let mut missing: Vec<String> = want.difference(&got).cloned().collect();
            if want.is_empty() {
                missing.push("(its text was never on screen)".into());
            }
            (outline.nodes[n].title.clone(), missing)
        })
        .filter(|(_, missing)| !missing.is_empty())
        .collect();
    let goals: Vec<usize> = outline.goals().collect();
    let most_keys_to_goal = goals
        .iter()
        .map(|g| first_read.get(g).copied())
        .collect::<Option<Vec<_>>>()
        .and_then(|d| d.into_iter().max());

    Found {
        states: apps.len(),
        unread,
        most_keys_to_goal,
        stranded,
        dead,
        dead_hints,
    }
}

fn modes() -> Vec<(&'static str, Config)> {
    let normal = Config {
        colour: true,
        mouse: true,
        ..Config::default()
    };
    vec![
        ("plain", normal.clone()),
        (
            "--kiosk",
            Config {
                kiosk: true,
                ..normal.clone()
            },
        ),
        (
            "--screen-reader",
            Config {
                screen_reader: true,
                ..normal.clone()
            },
        ),
        (
            "--lang fi",
            Config {
                lang: Lang::Fi,
                ..normal.clone()
            },
        ),
        (
            "--lang fi --kiosk",
            Config {
                lang: Lang::Fi,
                kiosk: true,
                ..normal
            },
        ),
    ]
}

#[test]
fn a_stranger_reads_everything_by_following_the_screen() {
    let sizes = [(80, 24), (40, 12), (layout::MIN_WIDTH, layout::MIN_HEIGHT)];
    let mut failures = Vec::new();
    for (mode, config) in modes() {
        for (w, h) in sizes {
            let found = explore(config.clone(), w, h);
            let most = found
                .most_keys_to_goal
                .map_or("not every goal".to_string(), |k| k.to_string());
            println!(
                "{mode:16} {w:>3}×{h:<3} {:>6} states, most keys to a goal: {most:>14}, \
                 unread: {}, stranded: {}, dead: {}, dead hints: {}",
                found.states,
                found.unread.len(),
                found.stranded.len(),
                found.dead.len(),
                found.dead_hints.len(),
            );
            let at = format!("{mode} at {w}×{h}");
            for (title, missing) in &found.unread {
                failures.push(format!("{at}: {title}: never on screen: {missing:?}"));
            }
            if found.most_keys_to_goal.is_none() {
                failures.push(format!("{at}: some goal's text is never on screen"));
            }
            if let Some(s) = found.stranded.first() {
                failures.push(format!(
                    "{at}: {} states cannot get back to the start, e.g. {s}",
                    found.stranded.len()
                ));
            }
            if let Some(s) = found.dead.first() {
                failures.push(format!(
                    "{at}: {} states where no shown key works, e.g. {s}",
                    found.dead.len()
                ));
            }
            if let Some((s, hint)) = found.dead_hints.first() {
                failures.push(format!(
                    "{at}: {} hints shown where they do nothing, e.g. {hint:?} in {s}",
                    found.dead_hints.len()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
