use super::*;

fn app() -> (App, Instant) {
    let now = Instant::now();
    let mut app = App::new(Outline::bundled(), Config::default(), now);
    app.update(
        Action::Resize {
            width: 80,
            height: 24,
        },
        now,
    );
    (app, now)
}

/// Applies `actions`; returns the effects they asked for.
fn run(app: &mut App, now: Instant, actions: &[Action]) -> Vec<Effect> {
    actions
        .iter()
        .filter_map(|a| app.update(a.clone(), now).effect)
        .collect()
}

fn click(app: &mut App, now: Instant, column: u16, row: u16) {
    app.update(Action::Click { column, row }, now);
}

fn id(app: &App) -> &str {
    &app.outline.nodes[app.selected].id
}

#[test]
fn starts_fully_expanded_on_the_vision() {
    let (app, _) = app();
    assert_eq!(id(&app), "vision");
    assert_eq!(app.rows().len(), 10);
    assert_eq!(app.focus, Focus::Tree);
}

#[test]
fn down_and_up_move_the_selection() {
    let (mut app, now) = app();
    run(&mut app, now, &[Action::Down, Action::Down]);
    assert_eq!(id(&app), "en-kommun-for-alla");
    run(&mut app, now, &[Action::Up]);
    assert_eq!(id(&app), "hallbarhet");
    run(&mut app, now, &[Action::Up, Action::Up]);
    assert_eq!(id(&app), "vision");
}

#[test]
fn left_goes_to_the_parent_and_right_to_the_first_child() {
    let (mut app, now) = app();
    run(&mut app, now, &[Action::Down, Action::Down, Action::Left]);
    assert_eq!(id(&app), "hallbarhet");
    run(&mut app, now, &[Action::Left]);
    assert_eq!(id(&app), "vision");
    assert_eq!(app.rows().len(), 10, "nothing folded");
    run(&mut app, now, &[Action::Right]);
    assert_eq!(id(&app), "hallbarhet");
    // A row folded by a click: → unfolds it first.
    app.expanded[1] = false;
    run(&mut app, now, &[Action::Right]);
    assert!(app.expanded[1]);
    run(&mut app, now, &[Action::Right]);
    assert_eq!(id(&app), "en-kommun-for-alla");
}

#[test]
fn enter_on_a_goal_focuses_its_text() {
    let (mut app, now) = app();
    run(&mut app, now, &[Action::Last, Action::Read]);
    assert_eq!(id(&app), "bra-verksamhet");
    assert_eq!(app.focus, Focus::Detail);
    assert_eq!(run(&mut app, now, &[Action::Back]), vec![]);
    assert_eq!(app.focus, Focus::Tree);
}

#[test]
fn enter_reads_the_vision_and_a_perspective_and_never_folds() {
    for (downs, node) in [(0, "vision"), (1, "hallbarhet")] {
        let (mut app, now) = app();
        for _ in 0..downs {
            run(&mut app, now, &[Action::Down]);
        }
        run(&mut app, now, &[Action::Read]);
        assert_eq!(id(&app), node);
        assert_eq!(app.focus, Focus::Detail);
        assert!(app.expanded.iter().all(|&e| e), "{node}: nothing folded");
        run(&mut app, now, &[Action::Back, Action::Left, Action::Right]);
        assert!(app.expanded.iter().all(|&e| e), "{node}: nothing folded");
    }
}

#[test]
fn opening_a_text_shows_its_first_line_at_the_smallest_size() {
    let (mut app, now) = app();
    run(
        &mut app,
        now,
        &[
            Action::Resize {
                width: layout::MIN_WIDTH,
                height: layout::MIN_HEIGHT,
            },
            Action::Down,
            Action::Down,
            Action::Read,
        ],
    );
    let body = app.detail_text().body_row().unwrap();
    let window = app.detail_window();
    assert!(window.height > 0);
    assert!((window.first..window.end()).contains(&body), "{window:?}");
}

#[test]
fn too_small_ignores_keys_until_it_fits() {
    let (mut app, now) = app();
    run(
        &mut app,
        now,
        &[Action::Resize {
            width: 30,
            height: 6,
        }],
    );
    assert!(app.areas().too_small);
    run(
        &mut app,
        now,
        &[Action::Down, Action::Read, Action::Help, Action::Jump(3)],
    );
    assert_eq!(id(&app), "vision");
    assert!(!app.help);
    assert_eq!(app.focus, Focus::Tree);
    assert_eq!(run(&mut app, now, &[Action::Quit]), vec![Effect::Quit]);
}

#[test]
fn n_unfolds_what_hides_the_next_match() {
    let (mut app, now) = app();
    run(
        &mut app,
        now,
        &[
            Action::SearchOpen,
            Action::SearchInput("eko".into()),
            Action::SearchDone,
            Action::First,
        ],
    );
    app.expanded[0] = false;
    run(&mut app, now, &[Action::NextMatch]);
    assert_ne!(id(&app), "vision");
    assert!(app.rows().contains(&app.selected));
    assert!(app.expanded[0]);
}

#[test]
fn home_end_and_pages() {
    let (mut app, now) = app();
    run(&mut app, now, &[Action::Last]);
    assert_eq!(id(&app), "bra-verksamhet");
    run(&mut app, now, &[Action::First]);
    assert_eq!(id(&app), "vision");
    run(&mut app, now, &[Action::PageDown]);
    assert_eq!(id(&app), "bra-verksamhet");
    run(&mut app, now, &[Action::PageUp]);
    assert_eq!(id(&app), "vision");
}

#[test]
fn detail_scrolls_within_its_text() {
    let now = Instant::now();
    let mut app = App::new(Outline::bundled(), Config::default(), now);
    run(
        &mut app,
        now,
        &[
            Action::Resize {
                width: 40,
                height: 12,
            },
            Action::Jump(3),
            Action::FocusNext,
        ],
    );
    assert_eq!(app.focus, Focus::Detail);
    let max = app.max_detail_scroll();
    assert!(max > 0);
    run(&mut app, now, &[Action::Down]);
    assert_eq!(app.detail_scroll, 1);
    run(&mut app, now, &[Action::Last]);
    assert_eq!(app.detail_scroll, max);
    run(&mut app, now, &[Action::PageDown, Action::Down]);
    assert_eq!(app.detail_scroll, max);
    run(&mut app, now, &[Action::First]);
    assert_eq!(app.detail_scroll, 0);
    // A smaller window shows less, so it may scroll further; a larger one clamps.
    run(
        &mut app,
        now,
        &[
            Action::Last,
            Action::Resize {
                width: 200,
                height: 60,
            },
        ],
    );
    assert_eq!(app.detail_scroll, 0);
}

#[test]
fn quit_keys_and_help() {
    let (mut app, now) = app();
    run(&mut app, now, &[Action::Help]);
    assert!(app.help);
    run(&mut app, now, &[Action::Down]);
    assert_eq!(
        id(&app),
        "vision",
        "keys other than close do nothing under help"
    );
    assert_eq!(run(&mut app, now, &[Action::Back]), vec![]);
    assert!(!app.help);
    assert_eq!(
        run(&mut app, now, &[Action::Back]),
        vec![],
        "Esc never quits"
    );
    run(&mut app, now, &[Action::Help]);
    assert_eq!(
        run(&mut app, now, &[Action::Quit]),
        vec![],
        "q closes the help"
    );
    assert!(!app.help);
    assert_eq!(run(&mut app, now, &[Action::Quit]), vec![Effect::Quit]);
}

#[test]
fn esc_never_quits_in_kiosk_mode() {
    let now = Instant::now();
    let config = Config {
        kiosk: true,
        ..Config::default()
    };
    let mut app = App::new(Outline::bundled(), config, now);
    let effects = run(&mut app, now, &[Action::Back, Action::Back, Action::Copy]);
    assert_eq!(effects, vec![], "no quit and no copy");
}

#[test]
fn search_filters_selects_and_restores() {
    let (mut app, now) = app();
    run(
        &mut app,
        now,
        &[Action::Jump(5), Action::Left, Action::SearchOpen],
    );
    let before = (app.expanded.clone(), app.selected);
    run(&mut app, now, &[Action::SearchInput("giftutslapp".into())]);
    assert_eq!(app.search.matches.len(), 1);
    assert_eq!(id(&app), "ekokommun-i-framkant");
    assert_eq!(
        app.rows()
            .iter()
            .map(|&n| app.outline.nodes[n].id.as_str())
            .collect::<Vec<_>>(),
        ["vision", "hallbarhet", "ekokommun-i-framkant"]
    );
    run(&mut app, now, &[Action::Back]);
    assert_eq!((app.expanded.clone(), app.selected), before);
    assert!(!app.search.active());
}

#[test]
fn no_match_shows_the_whole_tree() {
    let (mut app, now) = app();
    run(
        &mut app,
        now,
        &[
            Action::Down,
            Action::SearchOpen,
            Action::SearchInput("xyzzy".into()),
        ],
    );
    assert!(app.search.matches.is_empty());
    assert_eq!(app.rows().len(), 10);
    assert_eq!(id(&app), "hallbarhet");
    assert_eq!(app.strings().matches(0), "Inga träffar");
}

#[test]
fn enter_keeps_matches_and_n_cycles() {
    let (mut app, now) = app();
    run(
        &mut app,
        now,
        &[
            Action::SearchOpen,
            Action::SearchInput("kommun".into()),
            Action::SearchDone,
        ],
    );
    assert!(!app.search.editing);
    let matches = app.search.matches.clone();
    assert!(matches.len() > 2);
    assert_eq!(app.selected, matches[0]);
    run(&mut app, now, &[Action::NextMatch]);
    assert_eq!(app.selected, matches[1]);
    run(&mut app, now, &[Action::PrevMatch, Action::PrevMatch]);
    assert_eq!(app.selected, *matches.last().unwrap());
    let chosen = app.selected;
    run(&mut app, now, &[Action::Back]);
    assert!(!app.search.active());
    assert_eq!(app.selected, chosen);
    assert_eq!(app.rows().len(), 10);
}

#[test]
fn a_match_below_the_fold_is_scrolled_into_view() {
    let now = Instant::now();
    let mut app = App::new(Outline::bundled(), Config::default(), now);
    app.update(
        Action::Resize {
            width: 80,
            height: 14,
        },
        now,
    );
    run(
        &mut app,
        now,
        &[Action::SearchOpen, Action::SearchInput("mälardalen".into())],
    );
    assert_eq!(id(&app), "hog-sysselsattning");
    assert!(app.detail_scroll > 0, "the match is below the first screen");
    let window = app.detail_window();
    let detail = app.detail_text();
    let shown: Vec<&str> = (window.first..window.end())
        .map(|row| detail.text(row))
        .collect();
    assert!(shown.iter().any(|l| l.contains("Mälardalen")), "{shown:?}");
}

#[test]
fn digits_jump_to_goals() {
    let (mut app, now) = app();
    run(&mut app, now, &[Action::Jump(6)]);
    assert_eq!(id(&app), "bra-verksamhet");
    run(&mut app, now, &[Action::Jump(0)]);
    assert_eq!(id(&app), "vision");
    assert!(!app.update(Action::Jump(9), now).redraw);
    assert_eq!(id(&app), "vision");
}

#[test]
fn jump_reveals_a_collapsed_goal() {
    let (mut app, now) = app();
    run(
        &mut app,
        now,
        &[Action::Down, Action::Left, Action::Jump(1)],
    );
    assert_eq!(id(&app), "en-kommun-for-alla");
    assert!(app.expanded[1]);
}

#[test]
fn collapsing_an_ancestor_keeps_a_visible_selection() {
    let (mut app, now) = app();
    // Collapse the vision by click while a goal is selected.
    run(&mut app, now, &[Action::Jump(2)]);
    let row = app.areas().tree_inner.y;
    let col = app.areas().tree_inner.x + 2;
    click(&mut app, now, col, row);
    assert!(!app.expanded[0]);
    assert_eq!(id(&app), "vision");
}

#[test]
fn clicks_select_and_toggle() {
    let (mut app, now) = app();
    let inner = app.areas().tree_inner;
    click(&mut app, now, inner.x + 12, inner.y + 2);
    assert_eq!(id(&app), "en-kommun-for-alla");
    click(&mut app, now, inner.x + 10, inner.y + 1);
    assert_eq!(id(&app), "hallbarhet");
    click(&mut app, now, inner.x + 10, inner.y + 1);
    assert!(!app.expanded[1], "a second click toggles");
    let detail = app.areas().detail;
    click(&mut app, now, detail.x + 3, detail.y + 3);
    assert_eq!(app.focus, Focus::Detail);
}

/// A click on a fold marker folds, wherever the view draws the marker: in screen-reader mode
/// the tree is indented one cell a level, not two.
#[test]
fn a_click_on_the_marker_folds_in_every_mode() {
    for screen_reader in [false, true] {
        let now = Instant::now();
        let config = Config {
            screen_reader,
            ..Config::default()
        };
        let mut app = App::new(Outline::bundled(), config, now);
        let inner = app.areas().tree_inner;
        let marker = crate::layout::tree_row(1, screen_reader).marker;
        click(&mut app, now, inner.x + marker, inner.y + 1);
        assert!(!app.expanded[1], "screen reader {screen_reader}");
        assert_eq!(id(&app), "hallbarhet");
    }
}

#[test]
fn idle_reset_returns_to_the_start_screen() {
    let now = Instant::now();
    let config = Config {
        idle_reset: Some(Duration::from_secs(120)),
        ..Config::default()
    };
    let mut app = App::new(Outline::bundled(), config, now);
    assert_eq!(app.deadline(), None, "nothing to reset at start");
    run(
        &mut app,
        now,
        &[Action::Jump(3), Action::Left, Action::Help],
    );
    let t = now + Duration::from_secs(60);
    run(
        &mut app,
        t,
        &[
            Action::Back,
            Action::SearchOpen,
            Action::SearchInput("bra".into()),
        ],
    );
    assert_eq!(app.deadline(), Some(t + Duration::from_secs(120)));
    assert!(
        !app.update(Action::Tick, t + Duration::from_secs(119))
            .redraw
    );
    assert!(
        app.update(Action::Tick, t + Duration::from_secs(120))
            .redraw
    );
    assert_eq!(app.selected, 0);
    assert!(!app.help && !app.search.active());
    assert!(app.expanded.iter().all(|&e| e));
    assert_eq!(app.deadline(), None);
}

#[test]
fn carousel_steps_and_the_first_touch_only_stops_it() {
    let now = Instant::now();
    let config = Config {
        kiosk: true,
        idle_reset: Some(Duration::from_secs(10)),
        carousel: Some(Duration::from_secs(5)),
        ..Config::default()
    };
    let mut app = App::new(Outline::bundled(), config, now);
    run(&mut app, now, &[Action::Down]);
    let t = now + Duration::from_secs(10);
    run(&mut app, t, &[Action::Tick]);
    assert!(app.carousel_running());
    assert_eq!(app.selected, 0);
    run(&mut app, t + Duration::from_secs(5), &[Action::Tick]);
    assert_eq!(app.selected, 1);
    run(&mut app, t + Duration::from_secs(10), &[Action::Tick]);
    assert_eq!(app.selected, 2);
    assert!(app.update(Action::Down, t + Duration::from_secs(11)).redraw);
    assert!(!app.carousel_running());
    assert_eq!(app.selected, 2, "the first touch does not also move");
    run(&mut app, t + Duration::from_secs(12), &[Action::Down]);
    assert_eq!(app.selected, 3);
}

#[test]
fn the_carousel_also_begins_after_the_idle_time_from_launch() {
    let now = Instant::now();
    let idle = Duration::from_secs(120);
    let config = Config {
        kiosk: true,
        idle_reset: Some(idle),
        carousel: Some(Duration::from_secs(20)),
        ..Config::default()
    };
    let mut app = App::new(Outline::bundled(), config.clone(), now);
    assert_eq!(app.deadline(), Some(now + idle));
    assert!(!app.carousel_running());
    run(&mut app, now + idle, &[Action::Tick]);
    assert!(app.carousel_running());
    // A touch before then is a key like any other, and the clock starts again.
    let mut app = App::new(Outline::bundled(), config.clone(), now);
    run(&mut app, now, &[Action::Down]);
    assert_eq!(app.selected, 1);
    // Without a carousel nothing is due at the start screen: no wake-ups while idle.
    let plain = Config {
        carousel: None,
        ..config
    };
    assert_eq!(App::new(Outline::bundled(), plain, now).deadline(), None);
}

#[test]
fn copy_gives_breadcrumb_title_and_text() {
    let (mut app, now) = app();
    let effects = run(&mut app, now, &[Action::Jump(5), Action::Copy]);
    let [Effect::Copy(text)] = &effects[..] else {
        panic!("{effects:?}");
    };
    assert!(text.starts_with("Vision › Effektivitet › Bra ekonomi\nBra ekonomi\n"));
    assert!(text.contains("långsiktig tillväxt i balans"));
    assert_eq!(app.status, Some("Skickat till terminalen"));
}

#[test]
fn unchanged_actions_ask_for_no_redraw() {
    let (mut app, now) = app();
    assert!(!app.update(Action::Up, now).redraw);
    assert!(!app.update(Action::Touch, now).redraw);
    assert!(
        !app.update(
            Action::Resize {
                width: 80,
                height: 24
            },
            now
        )
        .redraw
    );
    assert!(app.update(Action::Down, now).redraw);
}

#[test]
fn a_click_on_a_stacked_text_opens_it_in_view_at_the_smallest_size() {
    let (mut app, now) = app();
    run(
        &mut app,
        now,
        &[
            Action::Resize {
                width: layout::MIN_WIDTH,
                height: layout::MIN_HEIGHT,
            },
            Action::Jump(1),
        ],
    );
    let detail = app.areas().detail;
    click(&mut app, now, detail.x + 2, detail.y + 1);
    assert_eq!(app.focus, Focus::Detail);
    let body = app.detail_text().body_row().unwrap();
    let window = app.detail_window();
    assert!((window.first..window.end()).contains(&body), "{window:?}");
}

#[test]
fn the_language_key_steps_through_every_language_and_an_idle_kiosk_goes_back() {
    let now = Instant::now();
    let config = Config {
        kiosk: true,
        lang: Lang::En,
        idle_reset: Some(Duration::from_secs(120)),
        ..Config::default()
    };
    let mut app = App::new(Outline::bundled(), config, now);
    assert_eq!(app.strings().tree_title, "Goals");
    let mut seen = vec![app.lang];
    for _ in 0..3 {
        assert!(app.update(Action::NextLang, now).redraw);
        seen.push(app.lang);
    }
    assert_eq!(seen, [Lang::En, Lang::Sv, Lang::Fi, Lang::En]);
    app.update(Action::NextLang, now);
    assert_eq!(app.lang, Lang::Sv);
    assert_eq!(app.strings().tree_title, "Mål");
    // In the help too, which is then drawn in the new language.
    app.update(Action::Help, now);
    assert!(app.update(Action::NextLang, now).redraw);
    assert_eq!(app.lang, Lang::Fi);
    assert!(app.help);
    // Left alone, the kiosk returns to the start and to its own language.
    app.update(Action::Tick, now + Duration::from_secs(121));
    assert_eq!(app.lang, Lang::En);
    assert!(!app.help);
}

/// The bundled document with the Finnish translation of the tests' fixture.
fn translated() -> Outline {
    crate::content::load(
        "tests/data/translated.ron",
        include_str!("../../tests/data/translated.ron"),
    )
    .unwrap_or_else(|e| panic!("{}", e.render(Lang::En)))
}

#[test]
fn the_content_follows_the_language_where_it_is_translated() {
    let now = Instant::now();
    let config = Config {
        kiosk: true,
        idle_reset: Some(Duration::from_secs(120)),
        ..Config::default()
    };
    let mut app = App::new(translated(), config, now);
    assert_eq!(app.outline.nodes[0].title, "Vision");
    assert!(!app.untranslated());
    run(&mut app, now, &[Action::Jump(5), Action::Read]);
    let selected = app.selected;
    // Svenska → suomi: the same node, in Finnish, and nothing says it is in Swedish.
    app.update(Action::NextLang, now);
    assert_eq!(app.lang, Lang::Fi);
    assert_eq!(app.outline.lang, Lang::Fi);
    assert!(!app.untranslated());
    assert_eq!(app.selected, selected);
    assert_eq!(app.outline.nodes[selected].title, "Hyvä talous");
    assert_eq!(app.outline.organisation, "Smedjebackenin kunta");
    // → English: the fixture has no English, so the Swedish, and the app says so.
    app.update(Action::NextLang, now);
    assert_eq!(app.lang, Lang::En);
    assert_eq!(app.outline.lang, Lang::Sv);
    assert!(app.untranslated());
    assert_eq!(app.outline.nodes[selected].title, "Bra ekonomi");
    // Back to Finnish, then left alone: Swedish again, at the start.
    app.update(Action::NextLang, now);
    app.update(Action::NextLang, now);
    assert_eq!(app.lang, Lang::Fi);
    app.update(Action::Tick, now + Duration::from_secs(121));
    assert_eq!((app.lang, app.outline.lang), (Lang::Sv, Lang::Sv));
    assert_eq!(app.outline.nodes[app.selected].title, "Vision");
}

#[test]
fn search_finds_the_words_shown() {
    let now = Instant::now();
    let config = Config {
        lang: Lang::Fi,
        ..Config::default()
    };
    let mut app = App::new(translated(), config, now);
    let goal = app.outline.find("bra-ekonomi").unwrap();
    run(&mut app, now, &[Action::SearchOpen]);
    run(&mut app, now, &[Action::SearchInput("talous".into())]);
    assert_eq!(app.search.matches, [goal]);
    // Kept after Enter, the matches follow the language: "talous" is no Swedish word.
    run(&mut app, now, &[Action::SearchDone, Action::NextLang]);
    assert_eq!(app.lang, Lang::En);
    assert!(app.search.matches.is_empty());
}
