//! Kontroll av loggen: the ledger's walk of its whole chain, and the export of the log.

use lofte_ledger_client::Verified;
use maud::{html, Markup};

use super::{menu, wide};
use crate::html::{page, Shell, Who};

pub fn page_for(who: &Who, v: &Verified, plans: &[String]) -> Markup {
    let content = html! {
        (menu("/granska/kontroll", plans))
        h1 { "Kontroll av loggen" }
        p { "Ledgern har gått igenom hela sin logg: varje händelses kanoniska byte, att numren följer på varandra utan lucka, att varje händelse pekar på föregående hash och att hashen stämmer." }
        @if v.ok {
            div.notice role="status" {
                p { strong.ok { "Kedjan är hel." } " Alla " (v.checked) " händelser stämmer." }
            }
        } @else {
            div.warning role="alert" {
                h2 { "Kedjan är bruten" }
                @if let Some(b) = &v.first_bad {
                    p { "Första felet är vid händelse nummer " strong { (b.seq) } ": " (b.reason) }
                    p { "Händelserna före den (" (v.checked) " stycken) stämmer." }
                }
            }
        }
        h2 { "Senaste händelsen" }
        dl.envelope {
            dt { "Nummer (seq)" } dd { (v.head_seq) }
            dt { "Hash" } dd { (wide("Senaste hashen", html! { code { (v.head_hash) } })) }
        }
        h2 { "Exportera" }
        p {
            a href="/granska/export.jsonl" download="lofte-logg.jsonl" { "Ladda ner hela loggen (JSON Lines)" }
            " – en händelse per rad, exakt som ledgern har sparat dem. Den kan kontrolleras fristående med "
            code { "lofte audit verify --from lofte-logg.jsonl" } "."
        }
    };
    page(&Shell { title: "Kontroll av loggen", who: Some(who), ..Shell::default() }, content)
}
