//! The sample plans in `deploy/plans/` parse, and say what their source documents say.

// Test code: a failed unwrap is a failed test, with the location to look at.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{collections::BTreeMap, path::PathBuf};

use lofte_proto::{
    command::{new_event, parse_command},
    event::TargetSet,
    plan::{Cadence, Comparator, Goal, PlanBook},
    planfile::{self, PlanFile},
    Kind,
};

fn plans_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../deploy/plans")
}

fn load(name: &str) -> PlanFile {
    let path = plans_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    planfile::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn kinds(f: &PlanFile) -> BTreeMap<Kind, usize> {
    let mut n = BTreeMap::new();
    for e in f.events() {
        *n.entry(e.kind()).or_insert(0) += 1;
    }
    n
}

fn counts(n_activities: usize, n_targets: usize, n_deadlines: usize) -> BTreeMap<Kind, usize> {
    let mut n = BTreeMap::from([(Kind::PlanAdopted, 1), (Kind::ActivityAdded, n_activities)]);
    if n_targets > 0 {
        n.insert(Kind::TargetSet, n_targets);
    }
    n.insert(Kind::DeadlineSet, n_deadlines);
    n
}

fn target<'a>(f: &'a PlanFile, id: &str) -> &'a TargetSet {
    f.targets().iter().find(|t| t.target.id.as_str() == id).unwrap_or_else(|| panic!("no target {id}"))
}

fn count(t: &TargetSet) -> (Comparator, u64) {
    match &t.target.goal {
        Goal::Count { comparator, value, .. } => (*comparator, *value),
        other => panic!("{} is not a count: {other:?}", t.target.id),
    }
}

fn areas(t: &TargetSet) -> Vec<&str> {
    t.target.areas.iter().map(|a| a.as_str()).collect()
}

#[test]
fn every_sample_plan_parses() {
    let mut names: Vec<String> = std::fs::read_dir(plans_dir())
        .expect("deploy/plans exists")
        .map(|e| e.expect("a directory entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    assert_eq!(names, ["eksjo-2017.toml", "jonkoping-2019.toml", "jonkoping-2022.toml"]);
    for name in &names {
        let f = load(name);
        // The file name is the plan id.
        assert_eq!(format!("{}.toml", f.plan_id()), *name);
        // Every deadline falls within the plan's year, about two weeks after its tertial, on a weekday.
        for d in f.deadlines() {
            assert!(d.due > d.tertial.last_day(), "{name}: {} due {}", d.tertial, d.due);
            assert!((d.due - d.tertial.last_day()).get_days() <= 21, "{name}: {} due {}", d.tertial, d.due);
            assert!(d.due.weekday().to_monday_one_offset() <= 5, "{name}: {} due on a weekend", d.tertial);
        }
    }
}

#[test]
fn jonkoping_2022_has_every_target_of_the_document() {
    let f = load("jonkoping-2022.toml");
    let p = f.adopted();
    assert_eq!(p.municipality.as_str(), "Jönköpings kommun");
    assert_eq!(p.police_area.as_str(), "Lokalpolisområde Södra Vätterbygden");
    assert_eq!(p.period.to_string(), "2022-01-01..2022-12-31");
    let actors: Vec<&str> = p.actors.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(actors, ["polisen", "kommunen", "vatterhem"]);
    assert_eq!(kinds(&f), counts(12, 21, 3));

    // Foot patrol: at least 800 on each of four areas.
    let foot: Vec<&TargetSet> = f.targets().iter().filter(|t| t.target.metric.as_str() == "fotpatrullering").collect();
    assert_eq!(foot.len(), 4);
    assert!(foot.iter().all(|t| count(t) == (Comparator::AtLeast, 800)));
    let mut foot_areas: Vec<&str> = foot.iter().flat_map(|t| areas(t)).collect();
    foot_areas.sort();
    assert_eq!(foot_areas, ["ekhagen", "osterangen", "oxnehaga", "raslatt"]);

    // 20-minute traffic controls: at least 200 per area, likewise.
    let traffic: Vec<&TargetSet> =
        f.targets().iter().filter(|t| t.target.metric.as_str() == "trafikkontroller").collect();
    assert_eq!(traffic.len(), 4);
    assert!(traffic.iter().all(|t| count(t) == (Comparator::AtLeast, 200) && t.target.areas.len() == 1));

    // Drug offences, with at least 20 % first-time users: 52 on Råslätt, 104 on the other three together.
    let drugs: Vec<&TargetSet> = f.targets().iter().filter(|t| t.target.metric.as_str() == "narkotikabrott").collect();
    assert_eq!(drugs.len(), 2);
    for t in &drugs {
        match &t.target.goal {
            Goal::Count { comparator: Comparator::AtLeast, ratio: Some(r), .. } => {
                assert_eq!((r.sub.as_str(), r.at_least_percent), ("forstagangsanvandare", 20));
            }
            other => panic!("{}: {other:?}", t.target.id),
        }
    }
    assert_eq!(count(drugs[0]).1, 52);
    assert_eq!(areas(drugs[0]), ["raslatt"]);
    assert_eq!(count(drugs[1]).1, 104);
    assert_eq!(areas(drugs[1]), ["oxnehaga", "osterangen", "ekhagen"]);

    // Situation pictures: Råslätt weekly; four others monthly.
    let pictures: Vec<&TargetSet> =
        f.targets().iter().filter(|t| t.target.metric.as_str() == "situation-pictures").collect();
    assert_eq!(pictures.len(), 5);
    assert_eq!(target(&f, "lagesbild-raslatt").target.goal, Goal::Cadence { every: Cadence::Weekly });
    for area in ["oxnehaga", "osterangen", "huskvarna", "ovriga-jonkoping"] {
        let t = target(&f, &format!("lagesbild-{area}"));
        assert_eq!(t.target.goal, Goal::Cadence { every: Cadence::Monthly });
        assert_eq!(areas(t), [area]);
    }

    // SSG at least 8 meetings; BOS weekly in four areas; SIG exactly 20.
    let ssg = target(&f, "ssg-moten");
    assert_eq!((ssg.activity.as_str(), ssg.target.metric.as_str()), ("ssg", "meetings"));
    assert_eq!(count(ssg), (Comparator::AtLeast, 8));
    for area in ["raslatt", "oxnehaga", "osterangen", "huskvarna-soder"] {
        let t = target(&f, &format!("bos-moten-{area}"));
        assert_eq!(t.target.goal, Goal::Cadence { every: Cadence::Weekly });
        assert_eq!(t.target.metric.as_str(), "meetings");
    }
    assert_eq!(count(target(&f, "sig-arenden")), (Comparator::Exactly, 20));

    // The recurring formal meetings carry no target; EST involves Vätterhem.
    assert!(f.activities().iter().any(|a| a.id.as_str() == "samverkansmoten"));
    assert!(!f.targets().iter().any(|t| t.activity.as_str() == "samverkansmoten"));
    let est = f.activities().iter().find(|a| a.id.as_str() == "est").expect("EST is an activity");
    assert!(est.involves(&"vatterhem".parse().expect("a valid id")));
}

#[test]
fn eksjo_2017_has_both_promises_and_their_targets() {
    let f = load("eksjo-2017.toml");
    let promises: Vec<&str> = f.adopted().promises.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(
        promises,
        [
            "Att öka den upplevda tryggheten i de östra delarna av kommunen.",
            "Att minska risken för unga att hamna i drogberoende och kriminalitet."
        ]
    );
    assert_eq!(kinds(&f), counts(10, 5, 3));
    assert_eq!(count(target(&f, "trafikkontroller")), (Comparator::AtLeast, 10));
    assert_eq!(count(target(&f, "fritids-och-kulturaktiviteter")), (Comparator::AtLeast, 4));
    assert_eq!(count(target(&f, "trygghetsvandringar")), (Comparator::AtLeast, 2));
    assert_eq!(count(target(&f, "riktade-insatser")), (Comparator::AtLeast, 10));
    let meetings = target(&f, "samverkansmoten");
    assert_eq!((meetings.target.metric.as_str(), count(meetings)), ("meetings", (Comparator::AtLeast, 4)));
    let east = f.activities().iter().filter(|a| a.areas.iter().any(|x| x.as_str() == "ostra-kommundelen")).count();
    assert!(east >= 3, "the east part of the municipality is an area of the first promise's activities");
}

#[test]
fn jonkoping_2019_has_its_activities_and_no_invented_targets() {
    let f = load("jonkoping-2019.toml");
    assert_eq!(f.adopted().promises.len(), 2);
    assert_eq!(kinds(&f), counts(11, 0, 3));
    let per_promise = |p: &str| f.activities().iter().filter(|a| a.promise.as_str() == p).count();
    assert_eq!((per_promise("drogfri-miljo"), per_promise("trygghet-centrum")), (5, 6));
}

#[test]
fn sample_events_cross_the_wire_and_fold_into_the_plan() {
    for name in ["eksjo-2017.toml", "jonkoping-2019.toml", "jonkoping-2022.toml"] {
        let f = load(name);
        let actor = f.adopted().coordinators[0].org.clone();
        let mut book = PlanBook::default();
        let at: jiff::Timestamp = "2022-01-01T00:00:00Z".parse().expect("a valid timestamp");
        for event in f.events() {
            let body = serde_json::to_vec(&new_event(f.plan_id(), &actor, &event)).expect("serialisable");
            let cmd = parse_command(&body).unwrap_or_else(|e| panic!("{name}: {} refused: {e}", event.kind()));
            assert_eq!(cmd.event, event);
            book.apply(f.plan_id(), &event, at);
        }
        let state = book.get(f.plan_id()).expect("adopted");
        assert_eq!(state.activities.len(), f.activities().len());
        let n_targets: usize = state.activities.values().map(|a| a.targets.len()).sum();
        assert_eq!(n_targets, f.targets().len(), "{name}: every target lands on its activity");
        assert_eq!(state.deadlines.len(), f.deadlines().len());
    }
}

#[test]
fn the_documented_example_parses() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/plan-format.md");
    let doc = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let (_, example) = doc.split_once("## Example").expect("the format document has an example");
    let (_, rest) = example.split_once("```toml\n").expect("the example is a toml block");
    let (toml, _) = rest.split_once("```").expect("the toml block ends");
    let f = planfile::parse(toml).unwrap_or_else(|e| panic!("docs/plan-format.md example: {e}"));
    assert_eq!(kinds(&f), counts(4, 5, 3));
    assert_eq!(target(&f, "fotpatrullering-oxnehaga").activity.as_str(), "fotpatrullering");
}

#[test]
fn a_plan_files_people_go_to_the_directory_not_into_its_events() {
    use lofte_proto::people::PersonRole;
    for name in ["jonkoping-2022.toml", "eksjo-2017.toml", "jonkoping-2019.toml"] {
        let pf = load(name);
        let events = serde_json::to_string(&pf.events()).unwrap();
        assert!(!events.contains('@'), "{name}: no address in the events: {events}");
        let people = pf.people();
        assert!(people.iter().any(|p| p.role == PersonRole::Reporter), "{name}");
        assert!(people.iter().all(|p| p.plans == [pf.plan_id().clone()]), "{name}: scoped to the plan");
        let coordinators: Vec<_> = people.iter().filter(|p| p.role == PersonRole::Coordinator).collect();
        assert!(!coordinators.is_empty() && coordinators.iter().all(|c| c.name.is_some()), "{name}");
        // The organisations that coordinate stay in the plan.
        assert!(!pf.adopted().coordinators.is_empty());
    }
}
