use jiff::civil::date;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use lofte_notifier::people::Recipient;
use lofte_notifier::{
    compose::{escalation, message_id, reminder, Links, Owed},
    message::build,
};
use lofte_proto::{calendar::Occasion, text::Email};
use lofte_test_support::SmtpServer;
use uuid::Uuid;

fn owed(plan: &str, title: &str, activity: &str, activity_title: &str, due: (i16, i8, i8)) -> Owed {
    Owed {
        plan: plan.parse().unwrap(),
        plan_title: title.into(),
        tertial: "2022-T1".parse().unwrap(),
        due: date(due.0, due.1, due.2),
        activity: activity.parse().unwrap(),
        activity_title: activity_title.into(),
        org: "vatterhem".parse().unwrap(),
        org_name: "Vätterhem".into(),
    }
}

fn links() -> Links {
    Links {
        projector: "http://127.0.0.1:7420/".into(),
        contact: "Brottsförebyggande samordnare <trygghet@jonkoping.example>".into(),
        web: Some("https://lofte.jonkoping.example".into()),
    }
}

fn items() -> Vec<Owed> {
    vec![
        owed("jonkoping-2022", "Medborgarlöfte 2022", "est", "Implementera EST <gemensam lägesbild>", (2022, 5, 16)),
        owed(
            "jonkoping-2022",
            "Medborgarlöfte 2022",
            "lagesbild-raslatt",
            "Lägesbild för Råslätt varje vecka",
            (2022, 5, 16),
        ),
        owed("huskvarna-2022", "Trygghet i Huskvarna", "trapphus", "Trygga trapphus", (2022, 5, 13)),
    ]
}

#[test]
fn a_reporters_digest_lists_every_owed_activity_across_plans() {
    let to = Recipient { person: Uuid::from_u128(1), email: Email::new("sakerhet@vatterhem.example").unwrap() };
    let m = reminder(&to, Occasion::Before(3), &items(), &links());
    assert_eq!(m.subject, "Påminnelse: uppföljning av medborgarlöfte ska lämnas senast 13 maj 2022");
    assert!(m.text.contains("saknar ännu uppföljning från Vätterhem"), "{}", m.text);
    assert!(m.text.contains("Medborgarlöfte 2022 — tertial 1 2022, senast måndag 16 maj 2022"), "{}", m.text);
    assert!(m.text.contains("Trygghet i Huskvarna — tertial 1 2022, senast fredag 13 maj 2022"), "{}", m.text);
    assert!(m.text.contains("  • Lägesbild för Råslätt varje vecka\n"));
    assert!(m.text.contains("lofte submit --plan jonkoping-2022 --activity est --actor vatterhem --tertial 2022-T1"));
    assert!(m.text.contains("http://127.0.0.1:7420/v1/plans/jonkoping-2022/pending?tertial=2022-T1"));
    assert!(m.text.contains("Frågor besvaras av Brottsförebyggande samordnare <trygghet@jonkoping.example>."));
    // The reporter's "Att göra" in the web application.
    assert!(m.text.contains("lämna uppföljningen under Att göra: https://lofte.jonkoping.example/"), "{}", m.text);
    assert!(m.html.contains("<a href=\"https://lofte.jonkoping.example/\">Att göra</a>"), "{}", m.html);
    assert!(m.html.contains("Implementera EST &lt;gemensam lägesbild&gt;") && !m.html.contains("<gemensam"));
    // The Message-ID is the occasion's: the same for the same mail, another for another occasion.
    assert_eq!(m.message_id, reminder(&to, Occasion::Before(3), &items(), &links()).message_id);
    assert_ne!(m.message_id, reminder(&to, Occasion::Due, &items(), &links()).message_id);
    assert!(m.message_id.starts_with("<due-3.") && m.message_id.ends_with("@lofte>"));
}

#[test]
fn a_coordinators_escalation_lists_who_owes_what() {
    let to = Recipient { person: Uuid::from_u128(2), email: Email::new("trygghet@jonkoping.example").unwrap() };
    let mut its = items();
    its.truncate(2);
    its.push(Owed {
        org: "polisen".parse().unwrap(),
        org_name: "Polisen".into(),
        ..owed("jonkoping-2022", "Medborgarlöfte 2022", "fot", "Fotpatrullering", (2022, 5, 16))
    });
    let m = escalation(&to, Occasion::Escalation(1), &its, &links());
    assert_eq!(m.subject, "Eskalering: uppföljningen av Medborgarlöfte 2022, tertial 1 2022, saknas fortfarande");
    assert!(m.text.contains("skulle ha lämnats senast måndag 16 maj 2022"), "{}", m.text);
    assert!(
        m.text.contains(
            "\nVätterhem\n  • Implementera EST <gemensam lägesbild>\n  • Lägesbild för Råslätt varje vecka\n"
        ),
        "{}",
        m.text
    );
    assert!(m.text.contains("\nPolisen\n  • Fotpatrullering\n"));
    let about = [("jonkoping-2022".parse().unwrap(), "2022-T1".parse().unwrap())];
    assert_eq!(m.message_id, message_id(&to.person, Occasion::Escalation(1), &about));
}

#[tokio::test]
async fn lettre_delivers_it_over_smtp_to_a_real_server() {
    let smtp = SmtpServer::start().await.expect("aiosmtpd (deploy/dev/tools.sh)");
    let to = Recipient { person: Uuid::from_u128(1), email: Email::new("sakerhet@vatterhem.example").unwrap() };
    let m = reminder(&to, Occasion::Due, &items(), &links());
    let msg = build(&m, "Lofte <lofte@jonkoping.example>").unwrap();
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1").port(smtp.port()).build();
    transport.send(msg).await.unwrap();
    let got = smtp.messages();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].header("Message-ID").as_deref(), Some(m.message_id.as_str()));
    assert_eq!(got[0].header("To").as_deref(), Some("sakerhet@vatterhem.example"));
    assert!(got[0].header("Date").is_some());
    assert!(got[0].header("Content-Type").unwrap().starts_with("multipart/alternative"));
    assert!(got[0].raw.contains("text/html"));
    assert!(build(&m, "not a mailbox").is_err());
}
