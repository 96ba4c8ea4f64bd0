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
    code('''
config_path: str = None  # required: diagnosis config (YAML): data files, as_of, language
language: str = ""  # "en" or "zh"; empty: the config's language
as_of: str = ""  # reference date YYYY-MM-DD; empty: the config's as_of
summary_path: str = ""  # set by `diagnose report` (verdict for reports/index.html)
''', "parameters"),
    code('''
import matplotlib.pyplot as plt

from diagnose import plots
from diagnose.metrics import case_durations, overdue_rate, wip
from diagnose.metrics.workload import workload
from diagnose.report import render, sections

run = sections.open_diagnosis(config_path, language=language, as_of=as_of)
res, lang = run.result, run.language
sections.title_block(run)
''', "remove-input"),
    code("sections.diagnosis_summary(run)"),
    code('render.section("Where the process is stuck", "流程卡点", lang)'),
    code('''
plots.plot_bottlenecks(res.bottlenecks, language=lang);
render.show_table(res.to_frame(), caption="Process status analysis (流程现状分析表)" if lang == "en" else "流程现状分析表", language=lang)
'''),
    code('render.section("Cycle time", "项目周期", lang)'),
    code('''
plots.plot_cycle_time(case_durations(run.activities, as_of=run.as_of));
render.show_table(res.headline, caption="Headline metrics with 95 % confidence intervals" if lang == "en" else "核心指标（95% 置信区间）", language=lang)
'''),
    code('render.section("Stage time and waits", "各环节耗时与等待", lang)'),
    code('''
plots.plot_stage_breakdown(res.stages);
render.show_table(res.stages, language=lang)
'''),
    code('render.section("Handoffs between departments", "跨部门交接", lang)'),
    code('''
plots.plot_handoff_matrix(res.handoffs);
render.show_table(res.handoffs, language=lang)
'''),
    code('render.section("Overdue and time-limit breaches", "逾期与超时", lang)'),
    code('''
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
plots.plot_overdue_rate(res.overdue, ax=axes[0])
plots.plot_overdue_rate(overdue_rate(run.activities, by="team", as_of=run.as_of), ax=axes[1]);
'''),
    code('render.show_table(res.sla, caption="Time-limit (SLA) breaches per stage" if lang == "en" else "各环节超时情况", language=lang)'),
    code('render.section("Workload and flow", "工作负荷与流动", lang)'),
    code('''
plots.plot_workload(workload(run.activities, as_of=run.as_of, settings=run.settings), limit=run.settings.max_concurrent);
plots.plot_cumulative_flow(wip(run.activities, as_of=run.as_of, by="activity"), by="activity");
'''),
    code('render.show_table(res.workload, caption="Days over the concurrent-task limit per person" if lang == "en" else "人员超负荷天数", language=lang)'),
    code('render.show_table(res.rework, caption="Rework: cases returning to an earlier stage" if lang == "en" else "返工：退回前序环节的项目", language=lang)'),
    code('render.section("Team survey", "团队问卷", lang)'),
    code('''
if "survey" in run.loads:
    plots.plot_likert(run.loads["survey"].data, settings=run.settings, language=lang)
    render.show_table(res.survey, language=lang)
'''),
    code('render.section("Against benchmarks", "与基准对比", lang)'),
    code('render.show_table(res.benchmarks, language=lang) if res.benchmarks is not None else None'),
    code('render.section("Data quality", "数据质量", lang)'),
    code("sections.data_quality(res.data_quality, language=lang)"),
    code('render.section("Methods", "方法说明", lang)'),
    code('sections.methods("diagnosis", language=lang)'),
    code("sections.provenance_block(run)"),
]

PILOT = [
    code('''
config_path: str = None  # required: pilot config (YAML): teams, periods, targets, data files
language: str = ""  # "en" or "zh"; empty: the config's language
n_resamples: int = 10000  # bootstrap resamples for the confidence intervals
seed: int = 0  # random seed (results are reproducible)
summary_path: str = ""  # set by `diagnose report` (verdict for reports/index.html)
''', "parameters"),
    code('''
from diagnose import plots
from diagnose.report import render, sections

run = sections.open_pilot(config_path, language=language, n_resamples=n_resamples, seed=seed)
res, lang = run.result, run.language
sections.title_block(run)
''', "remove-input"),
    code("sections.pilot_summary(run)"),
    code('render.section("Targets", "目标达成", lang)'),
    code('render.show_table(res.targets, language=lang)'),
    code('render.section("Effects with confidence intervals", "效果与置信区间", lang)'),
    code('''
plots.plot_effects(res.effects, res.targets, language=lang);
render.show_table(res.effects, language=lang)
'''),
    code('render.section("Pilot against control teams", "试点团队与对照团队", lang)'),
    code('''
plots.plot_before_after(res.cases);
plots.plot_did(res.cases, switch=run.config.pilot_start);
'''),
    code('render.section("Before the switch: parallel trends", "试点前趋势检验", lang)'),
    code('''
if res.pretrend is not None:
    plots.plot_pretrend(res.pretrend, language=lang)
    render.callout(res.pretrend.summary(lang), language=lang)
'''),
    code('render.section("What this pilot could detect", "本次试点的检测能力", lang)'),
    code('render.show_table(res.mde, language=lang)'),
    code('render.section("Data quality", "数据质量", lang)'),
    code("sections.data_quality(res.data_quality, language=lang)"),
    code('render.section("Methods", "方法说明", lang)'),
    code('sections.methods("pilot", language=lang)'),
    code("sections.provenance_block(run)"),
]

EXPLORE = [
    md('''
# Exploring a team's process with `diagnose`

A guided tour on the sample data in `data_samples/`: load and check the data,
measure the flow, find the bottlenecks, read the survey, and compare a pilot.
Every cell calls the public API, exactly as you would on your own files.
'''),
    code('''
data_dir: str = "../data_samples"  # folder with the sample files
as_of: str = "2024-06-30"  # reference date for "open" and "overdue"
''', "parameters"),
    code('''
from pathlib import Path

import diagnose
from diagnose import plots

data = Path(data_dir)
settings = diagnose.load_settings(data / "settings.yaml")
'''),
    md('''
## 1. Load and validate
`load_activities` understands English and Chinese headers, event logs and Jira
exports. Rows it cannot use are set aside and listed — never dropped silently.
'''),
    code('''
tasks = diagnose.load_activities(data / "tasks_en.csv")
print(tasks.summary())
tasks.data.head()
'''),
    code('''
defects = diagnose.load_activities(data / "tasks_defects.csv")
defects.problems
'''),
    md("## 2. Flow metrics: cycle time, waits, censoring"),
    code('diagnose.cycle_time(tasks.data, by="case", as_of=as_of)'),
    code('''
cases = diagnose.case_durations(tasks.data, as_of=as_of)
plots.plot_cycle_time(cases);
'''),
    code('''
stages = diagnose.stage_summary(tasks.data, as_of=as_of)
plots.plot_stage_breakdown(stages);
stages
'''),
    code('diagnose.overdue_rate(tasks.data, by="team", as_of=as_of)'),
    md("## 3. Where is the process stuck?"),
    code('''
survey = diagnose.load_survey(data / "survey.csv")
benchmarks = diagnose.load_benchmarks(data / "benchmarks.yaml")
result = diagnose.diagnose(tasks, survey, None, benchmarks, settings, as_of=as_of)
print(result.summary())
'''),
    code("result.to_frame()"),
    md("## 4. The questionnaire"),
    code('diagnose.survey.reliability(survey.data, settings=settings)'),
    code('''
plots.plot_likert(survey.data, settings=settings);
diagnose.survey.dimension_scores(survey.data, settings=settings)
'''),
    md("## 5. Did the pilot help?"),
    code('''
pilot = diagnose.compare_pilot(data / "pilots" / "pilot-team-a.yaml")
print(pilot.summary())
pilot.targets
'''),
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
