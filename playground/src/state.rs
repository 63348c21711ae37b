//! The playground's one state and the actions that change it.

use std::collections::BTreeMap;
use std::rc::Rc;

use rhai_flow::{Event, EventId, EventKind, ScriptError, DEFAULT_API_KEY, DEFAULT_ENDPOINT};
use serde::{Deserialize, Serialize};
use yew::Reducible;

use crate::flowdoc::{first_example, script_name, FlowDoc, EXAMPLES};
use crate::timeline::Timeline;

/// Light or dark, when a person chose one over the system's preference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Theme {
    Light,
    Dark,
}

/// Where requests go, and how the page looks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Settings {
    pub(crate) endpoint: String,
    pub(crate) api_key: String,
    pub(crate) theme: Option<Theme>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            endpoint: DEFAULT_ENDPOINT.to_owned(),
            api_key: DEFAULT_API_KEY.to_owned(),
            theme: None,
        }
    }
}

/// What the page shows of the current or last run.
#[derive(Clone, Debug, Default)]
pub(crate) struct Run {
    /// Tells this run's events from those of a run it replaced.
    pub(crate) number: u64,
    pub(crate) running: bool,
    pub(crate) timeline: Rc<Timeline>,
    /// The last error of each script in this run, while its source is unchanged.
    pub(crate) errors: Rc<BTreeMap<String, ScriptError>>,
}

/// The outcome of checking a script, as the editor held it when the check was asked for.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Syntax {
    pub(crate) name: String,
    pub(crate) error: Option<ScriptError>,
}

/// Everything the page shows.
#[derive(Clone, Debug)]
pub(crate) struct State {
    pub(crate) doc: FlowDoc,
    pub(crate) selected: Option<String>,
    /// Grows whenever the whole flow set is replaced, so the editor reloads its files.
    pub(crate) loads: u64,
    pub(crate) settings: Settings,
    pub(crate) run: Run,
    /// The last check of the script being edited; its mark stays until the next check ends.
    pub(crate) syntax: Option<Syntax>,
    pub(crate) selected_event: Option<EventId>,
    pub(crate) notice: Option<Notice>,
}

/// A short message above the work area.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Notice {
    pub(crate) text: String,
    pub(crate) error: bool,
    /// A link to show in full, ready to copy.
    pub(crate) link: Option<String>,
}

impl Notice {
    pub(crate) fn info(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            error: false,
            link: None,
        }
    }

    pub(crate) fn error(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            error: true,
            link: None,
        }
    }
}

/// The ways the state changes.
pub(crate) enum Action {
    SelectFile(String),
    EditScript {
        name: String,
        source: String,
    },
    AddScript,
    /// Renames a script to the name a person typed; `.rhai` is added when missing.
    RenameScript {
        from: String,
        to: String,
    },
    DeleteScript(String),
    SetMain(String),
    MapEvent {
        event: String,
        script: String,
    },
    UnmapEvent(String),
    LoadExample(usize),
    /// Brings back the flow set a share link replaced.
    RestoreBeforeLink(FlowDoc),
    SetEndpoint(String),
    SetApiKey(String),
    ToggleTheme {
        system_dark: bool,
    },
    StartRun(u64),
    /// A run that could not start: the last run's timeline goes, and a notice says why.
    RefuseRun {
        number: u64,
        reason: String,
    },
    AppendEvents {
        run: u64,
        events: Vec<Rc<Event>>,
    },
    /// The run is over; `refusal` says why it could not start, if it could not.
    EndRun {
        number: u64,
        refusal: Option<String>,
    },
    /// The runtime stopped in the middle of a run: the flow it was running fails, its
    /// requests in flight are cancelled, and the run ends.
    CrashRun {
        number: u64,
        reason: String,
    },
    Checked(Syntax),
    SelectEvent(Option<EventId>),
    Notify(Notice),
    DismissNotice,
}

impl State {
    /// The state a page opens with: `doc` and `settings` as saved, or the first example.
    pub(crate) fn new(doc: Option<FlowDoc>, settings: Settings) -> Self {
        let doc = doc.unwrap_or_else(first_example);
        Self {
            selected: Some(doc.main.clone()),
            doc,
            loads: 0,
            settings,
            run: Run::default(),
            syntax: None,
            selected_event: None,
            notice: None,
        }
    }

    fn load(&mut self, doc: FlowDoc) {
        self.selected = Some(doc.main.clone());
        self.doc = doc;
        self.loads += 1;
        self.run.errors = Rc::default();
        self.notice = None;
    }

    fn forget_error(&mut self, script: &str) {
        if self.run.errors.contains_key(script) {
            Rc::make_mut(&mut self.run.errors).remove(script);
        }
    }

    fn append(&mut self, events: Vec<Rc<Event>>) {
        let timeline = Rc::make_mut(&mut self.run.timeline);
        for event in events {
            match &event.kind {
                EventKind::FlowFailed { script, error, .. } => {
                    Rc::make_mut(&mut self.run.errors).insert(script.clone(), error.clone());
                }
                EventKind::Idle {} => self.run.running = false,
                _ => {}
            }
            timeline.push(event);
        }
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

impl State {
    fn apply(&mut self, action: Action) {
        match action {
            Action::SelectFile(name) => self.selected = Some(name),
            Action::EditScript { name, source } => self.edit(name, source),
            Action::AddScript => self.add_script(),
            Action::RenameScript { from, to } => self.rename(&from, &to),
            Action::DeleteScript(name) => self.delete(&name),
            Action::SetMain(name) => self.doc.main = name,
            Action::MapEvent { event, script } => {
                self.doc.events.insert(event, script);
            }
            Action::UnmapEvent(event) => {
                self.doc.events.remove(&event);
            }
            Action::LoadExample(index) => {
                if let Some(example) = EXAMPLES.get(index) {
                    self.load(example.doc());
                }
            }
            Action::RestoreBeforeLink(doc) => self.load(doc),
            Action::SetEndpoint(endpoint) => self.settings.endpoint = endpoint,
            Action::SetApiKey(key) => self.settings.api_key = key,
            Action::ToggleTheme { system_dark } => self.toggle_theme(system_dark),
            Action::StartRun(number) => self.start_run(number),
            // A refusal of a run the page has since replaced.
            Action::RefuseRun { number, .. } if number < self.run.number => {}
            Action::RefuseRun { number, reason } => {
                self.start_run(number);
                self.run.running = false;
                self.notice = Some(Notice::error(reason));
            }
            Action::AppendEvents { run, events } if run == self.run.number => self.append(events),
            Action::AppendEvents { .. } => {}
            Action::EndRun { number, refusal } if number == self.run.number => {
                self.run.running = false;
                if let Some(refusal) = refusal {
                    self.notice = Some(Notice::error(refusal));
                }
            }
            Action::EndRun { .. } => {}
            Action::CrashRun { number, reason } if number == self.run.number => self.crash(&reason),
            // A stop reported for a run the page has moved on from.
            Action::CrashRun { .. } => {}
            Action::Checked(syntax) => self.syntax = Some(syntax),
            Action::SelectEvent(id) => self.selected_event = id,
            Action::Notify(notice) => self.notice = Some(notice),
            Action::DismissNotice => self.notice = None,
        }
    }

    fn edit(&mut self, name: String, source: String) {
        self.forget_error(&name);
        self.doc.scripts.insert(name, source.into());
    }

    fn add_script(&mut self) {
        let name = self.doc.free_name("flow");
        let source = "// Runs when an event mapped to this script fires.\nprint(`${event}`);\n";
        self.doc.scripts.insert(name.clone(), source.into());
        self.selected = Some(name);
    }

    /// Renames `from` to the name a person typed, made into a file name, or says why not.
    fn rename(&mut self, from: &str, typed: &str) {
        let Some(to) = script_name(typed) else {
            self.notice = Some(Notice::error(format!(
                "“{typed}” cannot name a script: use letters, digits, `_`, `-` and `.`"
            )));
            return;
        };
        let to = to.as_str();
        if from == to {
            return;
        }
        if !self.doc.rename(from, to) {
            self.notice = Some(Notice::error(format!("{to} already exists")));
            return;
        }
        self.forget_error(from);
        if self.selected.as_deref() == Some(from) {
            self.selected = Some(to.to_owned());
        }
    }

    fn delete(&mut self, name: &str) {
        self.doc.scripts.remove(name);
        self.forget_error(name);
        if self.selected.as_deref() == Some(name) {
            self.selected = self.doc.scripts.keys().next().cloned();
        }
    }

    fn toggle_theme(&mut self, system_dark: bool) {
        let dark = match self.settings.theme {
            Some(theme) => theme == Theme::Dark,
            None => system_dark,
        };
        self.settings.theme = Some(if dark { Theme::Light } else { Theme::Dark });
    }

    /// Closes what the run left open with events of its own, as the runtime would have had
    /// it stopped: the running flow fails with `reason`, each request in flight is
    /// cancelled, and the run goes idle.
    fn crash(&mut self, reason: &str) {
        let message = format!("the flow runtime stopped: {reason}");
        let timeline = &self.run.timeline;
        let mut next = timeline.last().map_or(1, |event| event.id + 1);
        let at_ms = timeline.last().map_or(0.0, |event| event.at_ms);
        let mut closing = Vec::new();
        for position in 0..timeline.len() as u32 {
            let opened = timeline.get(position);
            if timeline.closing(position).is_some() {
                continue;
            }
            let kind = match &opened.kind {
                EventKind::FlowStarted { event, script, .. } => EventKind::FlowFailed {
                    event: event.clone(),
                    script: script.clone(),
                    error: ScriptError::unplaced(message.clone()),
                },
                EventKind::RequestSent { success_event, .. } => EventKind::Cancelled {
                    event: success_event.clone(),
                },
                _ => continue,
            };
            closing.push(Rc::new(Event {
                id: next,
                parent: Some(opened.id),
                at_ms,
                kind,
            }));
            next += 1;
        }
        let running = self.run.running;
        if running {
            closing.push(Rc::new(Event {
                id: next,
                parent: None,
                at_ms,
                kind: EventKind::Idle {},
            }));
        }
        self.append(closing);
        let when = match running {
            true => ", so this run ended early",
            false => " after this run ended",
        };
        self.notice = Some(Notice::error(format!(
            "The flow runtime stopped ({reason}){when}. The next run starts a fresh one."
        )));
    }

    fn start_run(&mut self, number: u64) {
        self.run = Run {
            number,
            running: true,
            ..Run::default()
        };
        self.selected_event = None;
        self.notice = None;
    }
}
