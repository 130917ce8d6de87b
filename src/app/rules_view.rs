//! The user's rules in the window: the items of a mention's menu that make one (`Never a
//! place: NAME (every document)`, `Always PLACE for NAME`) and the list of rules,
//! each with its Undo, with their file (export, add a colleague's).

use egui::Ui;

use super::passages_panel::candidate_label;
use crate::app::Action;
use crate::app::state::{AppState, CandidateChoice, MentionKey};
use crate::corpus::RuleAction;
use crate::gazetteer::Gazetteer;

/// The user's rules, each with its Undo, and their file: export to share them, add a
/// colleague's.
pub(super) fn rules_ui(ui: &mut Ui, state: &AppState, g: &Gazetteer) -> Option<Action> {
    let mut action = None;
    let rules = state.rules();
    ui.horizontal(|ui| {
        ui.strong(format!("Your rules ({})", rules.len()));
        if ui
            .add_enabled(!rules.is_empty(), egui::Button::new("Export rules…").small())
            .on_hover_text("Write the rules to a text file a colleague can add, or give to `gazette parse --rules`")
            .clicked()
        {
            action = Some(Action::ExportRulesDialog);
        }
        if ui
            .small_button("Add rules…")
            .on_hover_text("Add the rules of a file (a rule there replaces yours for the same name)")
            .clicked()
        {
            action = Some(Action::OpenRulesDialog);
        }
    });
    if rules.is_empty() {
        ui.weak(
            "None yet. \"Never a place\" and \"Always…\" in a mention's menu apply to its name \
             in every document, now and later.",
        );
    }
    egui::ScrollArea::vertical()
        .id_salt("rules")
        .max_height(160.0)
        .show(ui, |ui| {
            for rule in rules.iter() {
                ui.horizontal(|ui| {
                    if ui
                        .small_button("Undo")
                        .on_hover_text(format!("Remove the rule for “{}”", rule.name))
                        .clicked()
                    {
                        action = Some(Action::RemoveRule(rule.name.clone()));
                    }
                    ui.label(format!("“{}”", rule.name));
                    match &rule.action {
                        RuleAction::NeverAPlace => ui.label("is never a place"),
                        RuleAction::Always { id } => {
                            let target = g
                                .index_of_id(id)
                                .map(|entry| {
                                    let choice = CandidateChoice {
                                        entry,
                                        probability: None,
                                        is_current: false,
                                    };
                                    candidate_label(g, &choice)
                                })
                                .unwrap_or_else(|| format!("{id} (not in this gazetteer)"));
                            ui.label(format!("is always {target}"))
                        }
                    };
                });
            }
        });
    action
}

/// A mention's rule items: "Never a place: NAME (every document)", "Always <its
/// place> for NAME", and removing the rule its name has.
pub(super) fn rule_items_ui(
    ui: &mut Ui,
    state: &AppState,
    g: &Gazetteer,
    key: MentionKey,
    candidates: &[CandidateChoice],
) -> Option<Action> {
    let name = state
        .documents()
        .get(key.0)
        .and_then(|d| d.mentions.get(key.1))
        .map(|m| m.text.clone())?;
    rule_items_for_name_ui(ui, state, g, name, candidates)
}

/// The rule items of a correction menu for a mention written `name` whose candidates
/// are `candidates` (a mention held in the window, or read from an archive project).
pub(super) fn rule_items_for_name_ui(
    ui: &mut Ui,
    state: &AppState,
    g: &Gazetteer,
    name: String,
    candidates: &[CandidateChoice],
) -> Option<Action> {
    let mut action = None;
    ui.separator();
    let rule = state.rules().get(&name);
    let never = rule.is_some_and(|r| r.action == RuleAction::NeverAPlace);
    if ui
        .add_enabled(
            !never,
            egui::Button::new(format!("Never a place: {name} (every document)")),
        )
        .on_hover_text(
            "A rule: every mention written so, in every document now and later, is left out",
        )
        .clicked()
    {
        action = Some(Action::NeverAPlaceRule(name.clone()));
        ui.close();
    }
    if let Some(current) = candidates.iter().find(|c| c.is_current) {
        let e = g.entry(current.entry);
        let same = rule.is_some_and(|r| r.action == RuleAction::Always { id: e.id.clone() });
        let place = candidate_label(
            g,
            &CandidateChoice {
                probability: None,
                ..*current
            },
        );
        if ui
            .add_enabled(!same, egui::Button::new(format!("Always {place} for {name}")))
            .on_hover_text("A rule: every mention written so, in every document now and later, denotes this place")
            .clicked()
        {
            action = Some(Action::AlwaysRule {
                name: name.clone(),
                entry: current.entry,
            });
            ui.close();
        }
    }
    if let Some(rule) = rule
        && ui
            .button(format!("Remove the rule for {}", rule.name))
            .clicked()
    {
        action = Some(Action::RemoveRule(rule.name.clone()));
        ui.close();
    }
    action
}
