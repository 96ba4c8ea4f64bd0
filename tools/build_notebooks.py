"""Write notebooks/*.ipynb from the cell lists below (outputs stripped).

The notebooks are thin by design: every cell calls one or two ``diagnose``
functions. Edit here, then run ``.venv/bin/python tools/build_notebooks.py``.
"""

from pathlib import Path

import nbformat as nbf

ROOT = Path(__file__).resolve().parents[1]
KERNEL = {"name": "diagnose", "display_name": "Python (diagnose)", "language": "python"}


def md(text):
    return nbf.v4.new_markdown_cell(text.strip())


def code(text, *tags):
    cell = nbf.v4.new_code_cell(text.strip())
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


DIAGNOSIS = [
    code(
        """
config_path: str = None  # required: diagnosis config (YAML): data files, as_of
language: str = ""  # "en" or "zh"; empty: the config's language
as_of: str = ""  # reference date YYYY-MM-DD; empty: the config's as_of
summary_path: str = ""  # set by `diagnose report` (verdict for reports/index.html)
""",
        "parameters",
    ),
    code(
        """
from diagnose.report import render, sections

run = sections.open_diagnosis(config_path, language=language, as_of=as_of)
lang = run.language
sections.title_block(run)
""",
        "remove-input",
    ),
    code("sections.diagnosis_summary(run)"),
    code('render.section("Where the process is stuck", "流程卡点", lang)'),
    code('sections.chart(run, "bottlenecks")'),
    code("sections.bottleneck_table(run)"),
    code('render.section("Cycle time", "项目周期", lang)'),
    code('sections.chart(run, "cycle_time")'),
    code("sections.headline_table(run)"),
    code('render.section("Stage time and waits", "各环节耗时与等待", lang)'),
    code('sections.chart(run, "stages")'),
    code("sections.stage_table(run)"),
    code("sections.transition_table(run)"),
    code('render.section("Handoffs between departments", "跨部门交接", lang)'),
    code('sections.chart(run, "handoffs")'),
    code("sections.handoff_table(run)"),
    code('render.section("Overdue and time-limit breaches", "逾期与超时", lang)'),
    code('sections.chart(run, "overdue")'),
    code("sections.sla_table(run)"),
    code('render.section("Workload and flow", "工作负荷与流动", lang)'),
    code('sections.chart(run, "workload")'),
    code("sections.workload_table(run)"),
    code('sections.chart(run, "flow")'),
    code('render.section("Rework", "返工", lang)'),
    code("sections.rework_table(run)"),
    code('render.section("Team survey", "团队问卷", lang)'),
    code('sections.chart(run, "survey")'),
    code("sections.survey_table(run)"),
    code('render.section("Against benchmarks", "与基准对比", lang)'),
    code("sections.benchmark_table(run)"),
    code('render.section("Data quality", "数据质量", lang)'),
    code("sections.data_quality(run.result.data_quality, language=lang, run=run)"),
    code('render.section("Methods", "方法说明", lang)'),
    code('sections.methods("diagnosis", language=lang)'),
    code("sections.provenance_block(run)"),
]

PILOT = [
    code(
        """
config_path: str = None  # required: pilot config (YAML): teams, periods, targets
language: str = ""  # "en" or "zh"; empty: the config's language
n_resamples: int = 10000  # bootstrap resamples for the confidence intervals
seed: int = 0  # random seed (results are reproducible)
summary_path: str = ""  # set by `diagnose report` (verdict for reports/index.html)
""",
        "parameters",
    ),
    code(
        """
from diagnose.report import render, sections

run = sections.open_pilot(
    config_path, language=language, n_resamples=n_resamples, seed=seed
)
lang = run.language
sections.title_block(run)
""",
        "remove-input",
    ),
    code("sections.pilot_summary(run)"),
    code('render.section("Targets", "目标达成", lang)'),
    code("sections.targets_table(run)"),
    code('render.section("Effects with confidence intervals", "效果与置信区间", lang)'),
    code('sections.chart(run, "effects")'),
    code("sections.effects_table(run)"),
    code('render.section("Pilot against control teams", "试点团队与对照团队", lang)'),
    code('sections.chart(run, "before_after")'),
    code('sections.chart(run, "did")'),
    code("sections.pretrend_heading(run)"),
    code('sections.chart(run, "pretrend")'),
    code("sections.pretrend_note(run)"),
    code('render.section("What this pilot could detect", "本次试点的检测能力", lang)'),
    code("sections.mde_table(run)"),
    code('render.section("Data quality", "数据质量", lang)'),
    code("sections.data_quality(run.result.data_quality, language=lang, run=run)"),
    code('render.section("Methods", "方法说明", lang)'),
    code('sections.methods("pilot", language=lang)'),
    code("sections.provenance_block(run)"),
]

EXPLORE = [
    md("""
# Exploring a team's process with `diagnose`

A guided tour on the sample data in `data_samples/`: load and check the data,
measure the flow, find the bottlenecks, read the survey, and compare a pilot.
Every cell calls the public API, exactly as you would on your own files.
"""),
    code(
        """
data_dir: str = "../data_samples"  # folder with the sample files
as_of: str = "2024-06-30"  # reference date for "open" and "overdue"
""",
        "parameters",
    ),
    code("""
from pathlib import Path

import diagnose
from diagnose import plots

data = Path(data_dir)
settings = diagnose.load_settings(data / "settings.yaml")
"""),
    md("""
## 1. Load and validate
`load_activities` understands English and Chinese headers, event logs and Jira
exports. Rows it cannot use are set aside and listed — never dropped silently.
"""),
    code("""
tasks = diagnose.load_activities(data / "tasks_en.csv")
print(tasks.summary())
tasks.data.head()
"""),
    code("""
defects = diagnose.load_activities(data / "tasks_defects.csv")
defects.problems
"""),
    md("## 2. Flow metrics: cycle time, waits, censoring"),
    md(
        "Where do cases stop? A case whose recorded stages are all done may only "
        "be waiting for its next stage. `case_endings` shows the stage each case "
        "without open work stopped at; the settings name the stages that end a "
        "case (`final_stages`), and the flow metrics below take them."
    ),
    code("""
print("final stages:", settings.final_stages)
diagnose.metrics.case_endings(tasks.data, as_of=as_of)
"""),
    code("""
final = settings.final_stages
diagnose.cycle_time(tasks.data, by="case", as_of=as_of, final_stages=final)
"""),
    code("""
cases = diagnose.case_durations(tasks.data, as_of=as_of, final_stages=final)
ax = plots.plot_cycle_time(cases)
"""),
    code("""
stages = diagnose.stage_summary(tasks.data, as_of=as_of, final_stages=final)
ax = plots.plot_stage_breakdown(stages)
stages
"""),
    md(
        "Waits between stages, per pair of consecutive stages (the edges of a "
        "process map; pairs going back to an earlier stage are rework):"
    ),
    code("diagnose.metrics.transitions(tasks.data, as_of=as_of).head(8)"),
    code('diagnose.overdue_rate(tasks.data, by="team", as_of=as_of)'),
    md("## 3. Where is the process stuck?"),
    code("""
survey = diagnose.load_survey(data / "survey.csv")
benchmarks = diagnose.load_benchmarks(data / "benchmarks.yaml")
result = diagnose.diagnose(tasks, survey, None, benchmarks, settings, as_of=as_of)
print(result.summary())
"""),
    code("result.to_frame()"),
    md("## 4. The questionnaire"),
    code("diagnose.survey.reliability(survey.data, settings=settings)"),
    md(
        "Before averaging a dimension: does every item pull the same way? A low or "
        "negative item-total correlation, or an alpha that rises when the item is "
        "dropped, points to an item that measures something else or should be "
        "reverse coded (`reverse_items` in the settings)."
    ),
    code("diagnose.survey.item_statistics(survey.data, settings=settings)"),
    code("""
ax = plots.plot_likert(survey.data, settings=settings)
diagnose.survey.dimension_scores(survey.data, settings=settings)
"""),
    md("## 5. Did the pilot help?"),
    code("""
pilot = diagnose.compare_pilot(data / "pilots" / "pilot-team-a.yaml")
print(pilot.summary())
pilot.targets
"""),
]


def write(name, cells):
    nb = nbf.v4.new_notebook()
    nb.cells = cells
    nb.metadata["kernelspec"] = KERNEL
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name}-{i:02d}"
    path = ROOT / "notebooks" / f"{name}.ipynb"
    nbf.write(nb, path)
    print("wrote", path.relative_to(ROOT))


if __name__ == "__main__":
    write("diagnosis", DIAGNOSIS)
    write("pilot", PILOT)
    write("explore", EXPLORE)
