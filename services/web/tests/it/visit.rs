//! A real browser on a stack: what every page and state is checked for (axe-core, no sideways
//! scrolling, a screenshot), and keyboard-only moves.

use std::{path::PathBuf, time::Duration};

use lofte_test_support::{poll_until, Browser, Key};

use super::stack::Stack;
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(20);

/// A browser on a stack, and where its screenshots go.
pub struct Visit {
    pub b: Browser,
    pub suffix: &'static str,
    pub dir: PathBuf,
}

impl Visit {
    /// What every page and state gets: axe-core finds nothing, nothing scrolls sideways, and a
    /// screenshot named `name`.
    pub async fn check(&self, name: &str) {
        let url = self.b.current_url().await.unwrap();
        let violations = self.b.axe().await.unwrap_or_else(|e| panic!("{e}"));
        let listed: String = violations.iter().map(ToString::to_string).collect();
        assert!(violations.is_empty(), "{name} ({url}{}): axe-core found\n{listed}", self.suffix);
        let w = self.b.widths().await.unwrap();
        let sideways = w.scroll_width > w.inner_width || w.scroll_width > w.client_width;
        assert!(!sideways, "{name} ({url}) scrolls sideways: {w:?}");
        self.b.screenshot(&self.dir.join(format!("{name}{}.png", self.suffix))).await.unwrap();
    }

    /// Waits for the page's title to begin with `prefix` (a form sent, a page opened).
    pub async fn title(&self, prefix: &str) -> String {
        poll_until(&format!("a page titled {prefix}…"), WAIT, || async {
            let t = self.b.title().await.map_err(|e| e.to_string())?;
            Ok::<_, String>(t.starts_with(prefix).then_some(t))
        })
        .await
        .unwrap()
    }

    /// The focused element's property `name`, as text.
    pub async fn focused(&self, name: &str) -> String {
        let e = self.b.focused().await.unwrap();
        prop_text(self.b.prop(&e, name).await.unwrap())
    }

    /// The value of the input with this id.
    pub async fn value(&self, id: &str) -> String {
        let e = self.b.find(&format!("#{id}")).await.unwrap();
        prop_text(self.b.prop(&e, "value").await.unwrap())
    }

    /// Presses Tab until the element matching `css` has focus.
    pub async fn tab_to(&self, css: &str) {
        let target = self.b.find(css).await.unwrap();
        for _ in 0..40 {
            self.b.press(&[Key::Tab]).await.unwrap();
            if self.b.focused().await.unwrap() == target {
                return;
            }
        }
        panic!("Tab never reached {css} on {}", self.b.current_url().await.unwrap());
    }

    /// Signs in as `email` with the keyboard, through the link in the newest mail the stack's SMTP
    /// server got for it, and waits for the page after (titled `landing`…).
    pub async fn sign_in(&self, s: &Stack, email: &str, landing: &str) {
        self.b.goto(&format!("{}/logga-in", s.web)).await.unwrap();
        self.title("Logga in").await;
        self.fill("epost", email).await;
        self.b.press(&[Key::Enter]).await.unwrap();
        self.title("Kolla din e-post").await;
        let mail = poll_until("the sign-in mail", WAIT, || async {
            Ok::<_, String>(s.smtp.messages().into_iter().rfind(|m| m.header("To").as_deref() == Some(email)))
        })
        .await
        .unwrap();
        let body = mail.raw.replace("=\r\n", "").replace("=\n", "");
        let at = body.find(&format!("{}/logga-in/", s.web)).unwrap();
        let link: String = body[at..].chars().take_while(|c| !c.is_whitespace()).collect();
        self.b.goto(&link).await.unwrap();
        self.title("Bekräfta inloggning").await;
        self.tab_to("main button[type=submit]").await;
        self.b.press(&[Key::Enter]).await.unwrap();
        self.title(landing).await;
    }

    /// Tabs to the field `id` and types `text` into it.
    pub async fn fill(&self, id: &str, text: &str) {
        self.tab_to(&format!("#{id}")).await;
        self.b.type_text(text).await.unwrap();
    }
}

pub fn prop_text(v: Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}
