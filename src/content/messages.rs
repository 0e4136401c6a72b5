//! The words for each problem, in Swedish, English and Finnish: the message, and a hint where one helps.

use super::diagnose::closer;
use super::problem::{Issue, Place, Shape};
use super::schema::Value;
use super::{BUNDLED_NAME, MAX_DEPTH, MAX_FILE_BYTES};
use crate::i18n::Lang;
use crate::sanitize::clean;

impl Place {
    fn name(&self, lang: Lang) -> String {
        match self {
            Place::Document => lang.pick("dokumentet", "the document", "asiakirja").into(),
            Place::Vision => lang.pick("visionen", "the vision", "visio").into(),
            Place::Contact => lang
                .pick("kontaktblocket", "the contact block", "yhteystiedot")
                .into(),
            Place::Perspectives => lang
                .pick(
                    "listan med perspektiv",
                    "the list of perspectives",
                    "näkökulmien luettelo",
                )
                .into(),
            Place::Perspective(_, Some(id)) => {
                let id = clean(id);
                lang.pick(
                    format!("perspektivet \"{id}\""),
                    format!("perspective \"{id}\""),
                    format!("näkökulma \"{id}\""),
                )
            }
            Place::Perspective(n, None) => lang.pick(
                format!("perspektiv {n}"),
                format!("perspective {n}"),
                format!("näkökulma {n}"),
            ),
            Place::Goal(n, p, id) => {
                let perspective = Place::Perspective(*p, id.clone()).name(lang);
                lang.pick(
                    format!("mål {n} i {perspective}"),
                    format!("goal {n} of {perspective}"),
                    format!("tavoite {n} ({perspective})"),
                )
            }
            Place::Translation(_, Some(code)) => {
                let code = clean(code);
                lang.pick(
                    format!("översättningen \"{code}\""),
                    format!("the \"{code}\" translation"),
                    format!("käännös \"{code}\""),
                )
            }
            Place::Translation(n, None) => lang.pick(
                format!("översättning {n}"),
                format!("translation {n}"),
                format!("käännös {n}"),
            ),
            Place::Node {
                n,
                id,
                translation,
                lang: code,
            } => {
                let of = Place::Translation(*translation, code.clone()).name(lang);
                match id {
                    Some(id) => {
                        let id = clean(id);
                        lang.pick(
                            format!("\"{id}\" i {of}"),
                            format!("\"{id}\" in {of}"),
                            format!("{of}, kohta \"{id}\""),
                        )
                    }
                    None => lang.pick(
                        format!("nod {n} i {of}"),
                        format!("node {n} of {of}"),
                        format!("{of}, kohta {n}"),
                    ),
                }
            }
        }
    }
}

/// How ids are written, for hints.
const ID_RULE_SV: &str = "ett id består av a–z, 0–9 och -, t.ex. \"bra-ekonomi\"";
const ID_RULE_EN: &str = "an id uses a–z, 0–9 and -, e.g. \"bra-ekonomi\"";
const ID_RULE_FI: &str = "id:ssä saa olla vain merkkejä a–z, 0–9 ja -, esim. \"bra-ekonomi\"";

impl Issue {
    /// The message and, where one helps, a hint.
    pub fn describe(&self, lang: Lang) -> (String, Option<String>) {
        let at = |(l, c): (usize, usize)| {
            lang.pick(
                format!("rad {l}, kolumn {c}"),
                format!("line {l}, column {c}"),
                format!("rivi {l}, sarake {c}"),
            )
        };
        match self {
            Issue::NotFound => (lang.pick("filen finns inte".into(), "no such file".into(), "tiedostoa ei ole".into()), None),
            Issue::PermissionDenied => (
                lang.pick(
                    "filen får inte läsas (behörighet saknas)".into(),
                    "permission denied".into(), "tiedostoa ei saa lukea (käyttöoikeus puuttuu)".into(),
                ),
                None,
            ),
            Issue::IsDirectory => (
                lang.pick(
                    "är en katalog, inte en datafil".into(),
                    "is a directory, not a data file".into(), "on hakemisto, ei datatiedosto".into(),
                ),
                None,
            ),
            Issue::Unreadable(e) => (
                lang.pick(format!("kan inte läsas: {e}"), format!("cannot be read: {e}"), format!("ei voi lukea: {e}")),
                None,
            ),
            Issue::TooBig(size) => (
                match size {
                    Some(n) => lang.pick(
                        format!("filen är {n} byte; en datafil får vara högst {MAX_FILE_BYTES} byte"),
                        format!(
                            "the file is {n} bytes; a data file may be at most {MAX_FILE_BYTES} bytes"
                        ), format!("tiedoston koko on {n} tavua; datatiedosto saa olla enintään {MAX_FILE_BYTES} tavua"),
                    ),
                    None => lang.pick(
                        format!("filen är över {MAX_FILE_BYTES} byte, gränsen för en datafil"),
                        format!(
                            "the file is over {MAX_FILE_BYTES} bytes, the limit for a data file"
                        ), format!("tiedosto ylittää datatiedoston enimmäiskoon ({MAX_FILE_BYTES} tavua)"),
                    ),
                },
                Some(lang.pick(
                    "är det rätt fil?".into(),
                    "is it the right file?".into(), "onko tämä oikea tiedosto?".into(),
                )),
            ),
            Issue::NotUtf8(byte) => (
                lang.pick(
                    format!("filen är inte UTF-8-text (byte {byte})"),
                    format!("the file is not UTF-8 text (byte {byte})"), format!("tiedosto ei ole UTF-8-tekstiä (tavu {byte})"),
                ),
                Some(lang.pick(
                    "spara filen som UTF-8 i textredigeraren".into(),
                    "save the file as UTF-8 in the text editor".into(), "tallenna tiedosto tekstieditorissa UTF-8-muodossa".into(),
                )),
            ),
            Issue::Empty => (
                lang.pick("filen är tom".into(), "the file is empty".into(), "tiedosto on tyhjä".into()),
                Some(lang.pick(
                    format!("börja med en kopia av {BUNDLED_NAME}"),
                    format!("start from a copy of {BUNDLED_NAME}"), format!("aloita tiedoston {BUNDLED_NAME} kopiosta"),
                )),
            ),
            Issue::TooDeep => (
                lang.pick(
                    format!("nästlat djupare än {MAX_DEPTH} nivåer"),
                    format!("nested more than {MAX_DEPTH} levels deep"), format!("sisäkkäisiä tasoja on yli {MAX_DEPTH}"),
                ),
                Some(lang.pick(
                    "ett dokument har bara några nivåer: Document → perspectives → Perspective → goals → Goal".into(),
                    "a document has only a few levels: Document → perspectives → Perspective → goals → Goal".into(), "asiakirjassa on vain muutama taso: Document → perspectives → Perspective → goals → Goal".into(),
                )),
            ),
            Issue::UnknownField {
                place,
                found,
                expected,
            } => {
                let found = clean(found);
                let fields = expected
                    .iter()
                    .map(|e| format!("`{e}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let hint = match closest(&found, expected) {
                    Some(c) => lang.pick(
                        format!("menade du `{c}`? Fälten här: {fields}"),
                        format!("did you mean `{c}`? The fields here: {fields}"), format!("tarkoititko `{c}`? Tässä sallitut kentät: {fields}"),
                    ),
                    None => lang.pick(
                        format!("fälten här: {fields}"),
                        format!("the fields here: {fields}"), format!("tässä sallitut kentät: {fields}"),
                    ),
                };
                let place = place.name(lang);
                (
                    lang.pick(
                        format!("okänt fält `{found}` i {place}"),
                        format!("unknown field `{found}` in {place}"), format!("{place}: tuntematon kenttä `{found}`"),
                    ),
                    Some(hint),
                )
            }
            Issue::MissingField { place, field } => {
                let place = place.name(lang);
                let shape = match Value::of_field(field) {
                    Some(Value::Record(r)) => format!("{}(...)", r.name()),
                    Some(Value::List(_)) => "[...]".into(),
                    Some(Value::Text) | None => "\"...\"".into(),
                };
                (
                    lang.pick(
                        format!("{place} saknar `{field}`"),
                        format!("{place} has no `{field}`"), format!("{place}: kenttä `{field}` puuttuu"),
                    ),
                    Some(lang.pick(
                        format!("lägg till `{field}: {shape},` före `)`"),
                        format!("add `{field}: {shape},` before the `)`"), format!("lisää `{field}: {shape},` ennen merkkiä `)`"),
                    )),
                )
            }
            Issue::DuplicateField {
                place,
                field,
                first,
            } => {
                let place = place.name(lang);
                (
                    lang.pick(
                        format!("fältet `{field}` står två gånger i {place}"),
                        format!("the field `{field}` appears twice in {place}"), format!("{place}: kenttä `{field}` on kahdesti"),
                    ),
                    first.map(|p| {
                        lang.pick(
                            format!("första gången på {}; ta bort det ena", at(p)),
                            format!("it first appears at {}; remove one of them", at(p)), format!("ensimmäinen esiintymä: {}; poista toinen niistä", at(p)),
                        )
                    }),
                )
            }
            Issue::WrongStruct { expected, found } => {
                let found = clean(found);
                (
                    lang.pick(
                        format!("här ska det stå `{expected}`, inte `{found}`"),
                        format!("expected `{expected}` here, not `{found}`"), format!("tässä pitää olla `{expected}`, ei `{found}`"),
                    ),
                    None,
                )
            }
            Issue::WrongType {
                place,
                field,
                shape,
            } => {
                let what = match field {
                    Some(f) => {
                        let (f, place) = (clean(f), place.name(lang));
                        lang.pick(format!("`{f}` i {place}"), format!("`{f}` in {place}"), format!("`{f}` ({place})"))
                    }
                    None => place.name(lang),
                };
                let message = match shape {
                    Shape::Text => lang.pick(
                        format!("{what} ska vara en text inom citattecken"),
                        format!("{what} should be a string in double quotes"), format!("{what}: arvon pitää olla teksti lainausmerkeissä"),
                    ),
                    Shape::List => lang.pick(
                        format!("{what} ska vara en lista inom [ ]"),
                        format!("{what} should be a list in [ ]"), format!("{what}: arvon pitää olla luettelo hakasulkeissa [ ]"),
                    ),
                    Shape::Struct(name) => lang.pick(
                        format!("{what} ska vara `{name}(...)`"),
                        format!("{what} should be `{name}(...)`"), format!("{what}: arvon pitää olla `{name}(...)`"),
                    ),
                };
                let hint = match (shape, field) {
                    (Shape::Text, Some(f)) => Some(lang.pick(
                        format!("till exempel `{}: \"...\",`", clean(f)),
                        format!("for example `{}: \"...\",`", clean(f)), format!("esimerkiksi `{}: \"...\",`", clean(f)),
                    )),
                    _ => None,
                };
                (message, hint)
            }
            Issue::MissingComma => (
                lang.pick(
                    "här saknas ett kommatecken".into(),
                    "a comma is missing here".into(), "tästä puuttuu pilkku".into(),
                ),
                Some(lang.pick(
                    "varje fält och varje listelement slutar med `,`".into(),
                    "every field and every list item ends with `,`".into(), "jokainen kenttä ja luettelon alkio päättyy merkkiin `,`".into(),
                )),
            ),
            Issue::MissingColon(field) => {
                let field = field.as_deref().map(clean);
                (
                    match &field {
                        Some(f) => lang.pick(
                            format!("`:` saknas efter `{f}`"),
                            format!("a `:` is missing after `{f}`"), format!("kentän `{f}` jälkeen puuttuu `:`"),
                        ),
                        None => lang.pick("här saknas `:`".into(), "a `:` is missing here".into(), "tästä puuttuu `:`".into()),
                    },
                    Some(lang.pick(
                        format!("skriv `{}: ...`", field.as_deref().unwrap_or("namn")),
                        format!("write `{}: ...`", field.as_deref().unwrap_or("name")), format!("kirjoita `{}: ...`", field.as_deref().unwrap_or("nimi")),
                    )),
                )
            }
            Issue::Mismatch {
                found,
                open: (open, l, c),
            } => {
                let want = closer(*open);
                (
                    lang.pick(
                        format!("här står `{found}`, men `{open}` på {} är inte stängd med `{want}`", at((*l, *c))),
                        format!("found `{found}`, but the `{open}` at {} is not closed with `{want}`", at((*l, *c))), format!("tässä on `{found}`, mutta `{open}` ({}) pitää sulkea merkillä `{want}`", at((*l, *c))),
                    ),
                    Some(lang.pick(
                        format!("lägg till `{want}` före, eller ta bort en `{found}` för mycket"),
                        format!("add the `{want}` before it, or remove a `{found}` too many"), format!("lisää `{want}` ennen tätä tai poista ylimääräinen `{found}`"),
                    )),
                )
            }
            Issue::ExpectedField(place) => {
                let place = place.name(lang);
                (
                    lang.pick(
                        format!("här ska ett fältnamn stå, i {place}"),
                        format!("a field name belongs here, in {place}"), format!("{place}: tässä pitää olla kentän nimi"),
                    ),
                    Some(lang.pick(
                        "ett fält skrivs `namn: värde,`, t.ex. `title: \"...\",`".into(),
                        "a field is written `name: value,`, e.g. `title: \"...\",`".into(), "kenttä kirjoitetaan `nimi: arvo,`, esim. `title: \"...\",`".into(),
                    )),
                )
            }
            Issue::UnclosedComment => (
                lang.pick(
                    "kommentaren som börjar här tar aldrig slut".into(),
                    "the comment that starts here never ends".into(), "tästä alkava kommentti ei pääty koskaan".into(),
                ),
                Some(lang.pick(
                    "avsluta den med */".into(),
                    "end it with */".into(), "päätä se merkeillä */".into(),
                )),
            ),
            Issue::Unterminated { runs_to } => (
                lang.pick(
                    "texten som börjar här saknar avslutande `\"`".into(),
                    "the string that starts here has no closing `\"`".into(), "tästä alkavasta tekstistä puuttuu päättävä lainausmerkki `\"`".into(),
                ),
                Some(match runs_to {
                    Some(line) => lang.pick(
                        format!("utan den fortsätter texten till rad {line}"),
                        format!("without it, the string runs on to line {line}"), format!("ilman sitä teksti jatkuu riville {line}"),
                    ),
                    None => lang.pick(
                        "filen tar slut inne i texten".into(),
                        "the file ends inside the string".into(), "tiedosto loppuu kesken tekstin".into(),
                    ),
                }),
            ),
            Issue::UnexpectedEnd { unclosed } => (
                lang.pick(
                    "filen tar slut mitt i dokumentet".into(),
                    "the file ends in the middle of the document".into(), "tiedosto loppuu kesken asiakirjan".into(),
                ),
                Some(match unclosed {
                    Some((c, l, col)) => lang.pick(
                        format!("`{c}` på {} stängs aldrig", at((*l, *col))),
                        format!("the `{c}` at {} is never closed", at((*l, *col))), format!("`{c}` ({}) jää sulkematta", at((*l, *col))),
                    ),
                    None => lang.pick(
                        "är filen avkortad?".into(),
                        "was the file cut short?".into(), "puuttuuko tiedostosta loppu?".into(),
                    ),
                }),
            ),
            Issue::Trailing => (
                lang.pick(
                    "text efter dokumentets slut".into(),
                    "text after the end of the document".into(), "tekstiä asiakirjan lopun jälkeen".into(),
                ),
                Some(lang.pick(
                    "en `)` för mycket, eller något inklistrat efter sista `)`?".into(),
                    "one `)` too many, or something pasted after the last `)`?".into(), "yksi `)` liikaa vai jotain liitetty viimeisen `)`-merkin jälkeen?".into(),
                )),
            ),
            Issue::InvalidEscape => (
                lang.pick(
                    "okänd escape-sekvens i en text".into(),
                    "unknown escape sequence in a string".into(), "tuntematon escape-sarja tekstissä".into(),
                ),
                Some(lang.pick(
                    "skriv \\\\ för ett bakstreck; giltiga är \\n, \\\", \\\\, \\t och \\u{...}"
                        .into(),
                    "write \\\\ for a backslash; valid ones are \\n, \\\", \\\\, \\t and \\u{...}"
                        .into(), "kirjoita kenoviiva muodossa \\\\; kelvollisia ovat \\n, \\\", \\\\, \\t ja \\u{...}".into(),
                )),
            ),
            Issue::Syntax(message) => (
                lang.pick(
                    format!("RON-syntaxfel: {message}"),
                    format!("RON syntax error: {message}"), format!("RON-syntaksivirhe: {message}"),
                ),
                None,
            ),
            Issue::EmptyId(place) => {
                let place = place.name(lang);
                (
                    lang.pick(
                        format!("{place} har ett tomt id"),
                        format!("{place} has an empty id"), format!("{place}: tyhjä id"),
                    ),
                    Some(lang.pick(ID_RULE_SV.into(), ID_RULE_EN.into(), ID_RULE_FI.into())),
                )
            }
            Issue::BadId(place, id) => {
                let (place, id) = (place.name(lang), clean(id));
                let rule = lang.pick(ID_RULE_SV.into(), ID_RULE_EN.into(), ID_RULE_FI.into());
                let suggestion = suggest_id(&id);
                let hint = if suggestion.is_empty() {
                    rule
                } else {
                    lang.pick(
                        format!("{rule}; här kanske \"{suggestion}\""),
                        format!("{rule}; here perhaps \"{suggestion}\""), format!("{rule}; ehdotus: \"{suggestion}\""),
                    )
                };
                (
                    lang.pick(
                        format!("{place} har id \"{id}\" med andra tecken än a–z, 0–9 och -"),
                        format!("{place} has the id \"{id}\", with characters other than a–z, 0–9 and -"), format!("{place}: id \"{id}\" sisältää muita merkkejä kuin a–z, 0–9 ja -"),
                    ),
                    Some(hint),
                )
            }
            Issue::DuplicateId {
                place,
                id,
                first,
                first_place,
            } => {
                let (place, id) = (place.name(lang), clean(id));
                let other = first_place.name(lang);
                let hint = match first {
                    Some(p) => lang.pick(
                        format!("{other} har samma id, på {}", at(*p)),
                        format!("{other} has the same id, at {}", at(*p)), format!("{other} käyttää samaa id:tä ({})", at(*p)),
                    ),
                    None => lang.pick(
                        format!("{other} har samma id"),
                        format!("{other} has the same id"), format!("{other} käyttää samaa id:tä"),
                    ),
                };
                (
                    lang.pick(
                        format!("{place} har id \"{id}\", som redan används"),
                        format!("{place} has the id \"{id}\", which is already used"), format!("{place}: id \"{id}\" on jo käytössä"),
                    ),
                    Some(hint),
                )
            }
            Issue::EmptyText { place, field } => {
                let place = place.name(lang);
                (
                    lang.pick(
                        format!("`{field}` i {place} är tom"),
                        format!("the `{field}` of {place} is empty"), format!("{place}: `{field}` on tyhjä"),
                    ),
                    None,
                )
            }
            Issue::ControlCharacter {
                place,
                field,
                found,
            } => {
                let place = place.name(lang);
                let code = format!("U+{:04X}", u32::from(*found));
                let what = if *found == '\u{1b}' {
                    lang.pick(
                        format!("ESC, {code}, som inleder en styrsekvens"),
                        format!("ESC, {code}, which starts an escape sequence"), format!("ESC, {code}, joka aloittaa ohjaussekvenssin"),
                    )
                } else {
                    code
                };
                (
                    lang.pick(
                        format!("`{field}` i {place} har ett styrtecken ({what})"),
                        format!("the `{field}` of {place} holds a control character ({what})"), format!("{place}: `{field}` sisältää ohjausmerkin ({what})"),
                    ),
                    Some(lang.pick(
                        "ta bort det: en terminal skulle utföra det i stället för att visa det".into(),
                        "remove it: a terminal would act on it rather than show it".into(), "poista se: pääte toimisi sen mukaan eikä näyttäisi sitä".into(),
                    )),
                )
            }
            Issue::NoPerspectives => (
                lang.pick(
                    "dokumentet har inga perspektiv".into(),
                    "the document has no perspectives".into(), "asiakirjassa ei ole näkökulmia".into(),
                ),
                Some(lang.pick(
                    "lägg till minst ett Perspective(id: ..., title: ..., goals: [...])".into(),
                    "add at least one Perspective(id: ..., title: ..., goals: [...])".into(), "lisää vähintään yksi Perspective(id: ..., title: ..., goals: [...])".into(),
                )),
            ),
            Issue::UnknownLanguage(found) => {
                let found = clean(found);
                (
                    lang.pick(
                        format!("okänt språk \"{found}\" för en översättning"),
                        format!("unknown language \"{found}\" for a translation"),
                        format!("käännöksen kieli \"{found}\" on tuntematon"),
                    ),
                    Some(lang.pick(
                        "en översättning är på \"fi\" (finska) eller \"en\" (engelska); dokumentet självt är på svenska".into(),
                        "a translation is into \"fi\" (Finnish) or \"en\" (English); the document itself is in Swedish".into(),
                        "käännöksen kieli voi olla \"fi\" (suomi) tai \"en\" (englanti); itse asiakirja on ruotsiksi".into(),
                    )),
                )
            }
            Issue::DuplicateTranslation { lang: code, first } => {
                let code = clean(code);
                (
                    lang.pick(
                        format!("en andra översättning till \"{code}\""),
                        format!("a second translation into \"{code}\""),
                        format!("toinen käännös kielelle \"{code}\""),
                    ),
                    Some(match first {
                        Some(p) => lang.pick(
                            format!("den första är på {}; ett språk har en översättning", at(*p)),
                            format!("the first is at {}; a language has one translation", at(*p)),
                            format!("ensimmäinen on kohdassa {}; kullekin kielelle saa olla vain yksi käännös", at(*p)),
                        ),
                        None => lang.pick(
                            "ett språk har en översättning".into(),
                            "a language has one translation".into(),
                            "kullekin kielelle saa olla vain yksi käännös".into(),
                        ),
                    }),
                )
            }
            Issue::UnknownNode { place, id, nearest } => {
                let (place, id) = (place.name(lang), clean(id));
                (
                    lang.pick(
                        format!("{place}: dokumentet har ingen nod med id \"{id}\""),
                        format!("{place}: the document has no node with the id \"{id}\""),
                        format!("{place}: asiakirjassa ei ole kohtaa, jonka id on \"{id}\""),
                    ),
                    Some(match nearest {
                        Some(c) => lang.pick(
                            format!("menade du \"{c}\"?"),
                            format!("did you mean \"{c}\"?"),
                            format!("tarkoititko \"{c}\"?"),
                        ),
                        None => lang.pick(
                        "en översatt nod har samma id som visionen, ett perspektiv eller ett mål i dokumentet".into(),
                        "a translated node has the id of the vision, a perspective or a goal of the document".into(),
                        "käännetyn kohdan id:n pitää olla sama kuin asiakirjan vision, näkökulman tai tavoitteen id".into(),
                        ),
                    }),
                )
            }
            Issue::Untranslated { place, id, title } => {
                let (place, id, title) = (place.name(lang), clean(id), clean(title));
                (
                    lang.pick(
                        format!("{place} saknar \"{id}\" ({title})"),
                        format!("{place} lacks \"{id}\" ({title})"),
                        format!("{place}: \"{id}\" ({title}) puuttuu"),
                    ),
                    Some(lang.pick(
                        format!("lägg till Node(id: \"{id}\", title: \"...\", text: \"...\") i dess `nodes`"),
                        format!("add Node(id: \"{id}\", title: \"...\", text: \"...\") to its `nodes`"),
                        format!("lisää käännöksen `nodes`-luetteloon Node(id: \"{id}\", title: \"...\", text: \"...\")"),
                    )),
                )
            }
        }
    }
}

/// An id in the allowed letters that is close to what was written: "Hållbarhet" → "hallbarhet".
pub(super) fn suggest_id(id: &str) -> String {
    let mut out = String::new();
    for c in id.trim().chars().flat_map(char::to_lowercase) {
        let c = match c {
            'å' | 'ä' | 'á' | 'à' | 'â' => 'a',
            'ö' | 'ó' | 'ò' | 'ô' | 'ø' => 'o',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ü' | 'ú' => 'u',
            c if c.is_ascii_lowercase() || c.is_ascii_digit() => c,
            _ => '-',
        };
        if !(c == '-' && (out.is_empty() || out.ends_with('-'))) {
            out.push(c);
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The expected name nearest to what was written, if any is near.
pub(super) fn closest<'a>(found: &str, expected: &[&'a str]) -> Option<&'a str> {
    expected
        .iter()
        .map(|e| (edit_distance(found, e), *e))
        .filter(|(d, e)| *d <= e.len().max(found.len()) / 2)
        .min()
        .map(|(_, e)| e)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}
