"""Canonical tables and the headers users really write.

Every loader maps the headers it finds onto one of the canonical tables below.
``COLUMN_MAP`` lists, for each canonical column, the headers accepted for it:
English, simplified and traditional Chinese, the process-mining (XES/PM4Py)
convention and a Jira CSV export. Matching ignores case, surrounding spaces,
full-width brackets and unit suffixes such as ``(天)``.
"""

from __future__ import annotations

import re as _re

__all__ = [
    "ACTIVITY_COLUMNS",
    "ACTIVITY_REQUIRED",
    "SURVEY_COLUMNS",
    "KPI_COLUMNS",
    "BENCHMARK_COLUMNS",
    "COLUMN_MAP",
    "STATUSES",
    "STATUS_WORDS",
    "PRIORITIES",
    "PRIORITY_WORDS",
    "STAGES",
    "LIKERT_WORDS",
    "EXTRA_HEADERS",
    "TRAD_TO_SIMP",
    "to_simplified",
    "normalise_header",
    "normalise_word",
]

# --------------------------------------------------------------------------
# Canonical tables
# --------------------------------------------------------------------------

#: Activity table: one row per piece of work (a stage of a case, or a task).
#: ``start``/``end``/``due``/``planned_*`` are tz-naive ``datetime64[ns]``;
#: ``end`` is NaT for unfinished work (``is_open`` is True: right-censored).
#: ``source_row`` is the spreadsheet row (header = row 1) the record came from.
ACTIVITY_COLUMNS = [
    "case_id",
    "activity",
    "start",
    "end",
    "due",
    "planned_start",
    "planned_end",
    "task_id",
    "owner",
    "collaborators",
    "department",
    "team",
    "priority",
    "status",
    "blocked_reason",
    "description",
    "is_open",
    "source_row",
]
ACTIVITY_REQUIRED = ["case_id", "activity", "start"]

#: Survey responses, long form: one row per respondent and item.
SURVEY_COLUMNS = ["respondent", "team", "department", "period", "item", "score"]

#: KPI table (营销活动效果跟踪表 / 营销项目进度监控表).
KPI_COLUMNS = ["case_id", "metric", "target", "actual", "period", "owner"]

#: Benchmarks (benchmarks.yaml): one row per metric.
BENCHMARK_COLUMNS = ["metric", "value", "source", "direction", "unit", "statistic"]

# --------------------------------------------------------------------------
# Accepted headers (canonical name -> headers). Extend here, or pass
# ``mapping={"header in file": "canonical"}`` to a loader.
# --------------------------------------------------------------------------

# aliases laid out by language, several to a line:
# fmt: off
COLUMN_MAP: dict[str, list[str]] = {
    # activity table -------------------------------------------------------
    "case_id": [
        "case_id", "case", "case id", "caseid", "case:concept:name",
        "project", "project_id", "project name", "campaign", "campaign_id",
        "campaign name", "epic link", "parent", "parent id",
        "项目", "项目名称", "項目名稱", "项目编号", "項目編號", "项目id",
        "活动名称", "活動名稱", "活动", "活動", "案例", "案例编号",
    ],
    "activity": [
        "activity", "stage", "step", "task", "task name", "task_name",
        "concept:name", "summary", "milestone",
        "流程环节", "流程環節", "环节", "環節", "阶段", "階段", "任务名称",
        "任務名稱", "子任务名称", "子任務名稱", "任务", "任務", "监控节点", "監控節點",
    ],
    "start": [
        "start", "start_time", "start time", "start_date", "start date",
        "started", "start_timestamp", "created", "created_date", "begin",
        "start timestamp",
        "startdate", "actual start",
        "开始时间", "開始時間", "开始日期", "開始日期", "实际开始", "實際開始",
    ],
    "end": [
        "end", "end_time", "end time", "end_date", "end date", "finished",
        "finished_date", "completed", "complete timestamp", "time:timestamp",
        "timestamp", "resolved", "resolution date", "done",
        "结束时间", "結束時間", "结束日期", "結束日期", "完成时间", "完成時間",
        "实际完成", "實際完成", "实际完成时间", "實際完成時間",
        "结束", "完成日期", "實際結束", "实际结束", "end timestamp", "actual end",
    ],
    "due": [
        "due", "due_date", "due date", "deadline", "case:deadline",
        "截止日期", "截止时间", "截止時間", "到期日", "交付时间", "交付時間",
    ],
    "planned_start": [
        "planned_start", "planned start", "计划开始", "計劃開始", "计划开始时间",
    ],
    "planned_end": [
        "planned_end", "planned end", "planned_finish",
        "计划完成", "計劃完成", "计划完成时间", "計劃完成時間", "计划结束", "計劃結束",
    ],
    "task_id": [
        "task_id", "task id", "id", "issue key", "issue id", "key",
        "任务id", "任務id", "任务编号", "任務編號", "编号", "編號",
    ],
    "owner": [
        "owner", "assignee", "resource", "org:resource", "responsible",
        "负责人", "負責人", "直接责任人", "直接責任人", "责任人", "責任人",
        "当前负责人", "當前負責人", "执行人", "執行人",
    ],
    "collaborators": [
        "collaborators", "collaborator", "协作人", "協作人", "协作责任人", "協作責任人",
        "watchers", "协作部门", "協作部門",
    ],
    "department": [
        "department", "dept", "org:group", "group", "部门", "部門",
        "承接部门", "承接部門", "所属部门", "所屬部門",
    ],
    "team": ["team", "团队", "團隊", "小组", "小組"],
    "priority": ["priority", "优先级", "優先級", "改进优先级", "改進優先級"],
    "status": [
        "status", "state", "进度状态", "進度狀態", "状态", "狀態",
        "当前状态", "當前狀態", "任务状态", "任務狀態",
    ],
    "blocked_reason": [
        "blocked_reason", "blocked reason", "blocker", "阻塞原因", "受阻原因",
    ],
    "description": [
        "description", "任务描述", "任務描述", "描述", "问题描述", "問題描述",
    ],
    # only used while loading -------------------------------------------------
    "lifecycle": ["lifecycle", "lifecycle:transition", "transition", "event type"],
    "date_range": ["起止时间", "起止時間", "起止日期", "period_range", "date range"],
    # survey --------------------------------------------------------------
    "respondent": [
        "respondent", "respondent_id", "respondent id", "受访者", "受訪者",
        "问卷编号", "問卷編號", "答卷人",
    ],
    "period": [
        "period", "wave", "quarter", "复盘周期", "復盤週期", "月份", "期间", "期間",
        "周期", "週期", "轮次", "輪次",
    ],
    "item": [
        "item", "question", "question_id", "dimension", "维度", "維度", "题目", "題目",
        "问题", "問題", "题项", "題項",
    ],
    "score": ["score", "answer", "rating", "得分", "评分", "評分", "分数", "分數"],
    # KPI ----------------------------------------------------------------------
    "metric": [
        "metric", "kpi", "indicator", "measure", "关键指标", "關鍵指標", "指标", "指標",
    ],
    "target": [
        "target", "target value", "target_value", "goal", "planned", "目标值", "目標值",
        "计划值", "計劃值", "目标", "目標",
    ],
    "actual": [
        "actual", "actual value", "actual_value", "result", "实际值", "實際值", "实际",
        "實際",
    ],
}
# fmt: on

# --------------------------------------------------------------------------
# Controlled vocabularies
# --------------------------------------------------------------------------

STATUSES = ["not_started", "in_progress", "done", "blocked"]
STATUS_WORDS: dict[str, str] = {
    # English / Jira
    "not_started": "not_started",
    "not started": "not_started",
    "to do": "not_started",
    "todo": "not_started",
    "open": "not_started",
    "backlog": "not_started",
    "new": "not_started",
    "selected for development": "not_started",
    "in_progress": "in_progress",
    "in progress": "in_progress",
    "in review": "in_progress",
    "review": "in_progress",
    "doing": "in_progress",
    "done": "done",
    "closed": "done",
    "resolved": "done",
    "complete": "done",
    "completed": "done",
    "finished": "done",
    "blocked": "blocked",
    "on hold": "blocked",
    "impeded": "blocked",
    # 简体 / 繁體
    "未开始": "not_started",
    "未開始": "not_started",
    "待开始": "not_started",
    "进行中": "in_progress",
    "進行中": "in_progress",
    "处理中": "in_progress",
    "處理中": "in_progress",
    "已完成": "done",
    "完成": "done",
    "已结束": "done",
    "已結束": "done",
    "阻塞": "blocked",
    "受阻": "blocked",
    "已阻塞": "blocked",
    # more Jira / tracker words
    "in development": "in_progress",
    "in test": "in_progress",
    "testing": "in_progress",
    "started": "in_progress",
    "wip": "in_progress",
    "ongoing": "in_progress",
    "waiting": "blocked",
    "on_hold": "blocked",
    "paused": "blocked",
    # more 中文 (the tables compare after traditional -> simplified, see to_simplified)
    "未启动": "not_started",
    "待办": "not_started",
    "待处理": "not_started",
    "计划中": "not_started",
    "进行": "in_progress",
    "执行中": "in_progress",
    "已开始": "in_progress",
    "审核中": "in_progress",
    "评审中": "in_progress",
    "已解决": "done",
    "已关闭": "done",
    "关闭": "done",
    "已交付": "done",
    "暂停": "blocked",
    "挂起": "blocked",
    "等待中": "blocked",
}

PRIORITIES = ["P0", "P1", "P2", "P3"]
PRIORITY_WORDS: dict[str, str] = {
    "p0": "P0",
    "p1": "P1",
    "p2": "P2",
    "p3": "P3",
    "0": "P0",
    "1": "P1",
    "2": "P2",
    "3": "P3",
    "highest": "P0",
    "blocker": "P0",
    "critical": "P0",
    "urgent": "P0",
    "high": "P1",
    "major": "P1",
    "medium": "P2",
    "normal": "P2",
    "low": "P3",
    "lowest": "P3",
    "minor": "P3",
    "trivial": "P3",
    "紧急": "P0",
    "緊急": "P0",
    "最高": "P0",
    "高": "P1",
    "中": "P2",
    "低": "P3",
    "非常紧急": "P0",
    "较高": "P1",
    "一般": "P2",
    "较低": "P3",
    "最低": "P3",
    "高优先级": "P1",
    "中优先级": "P2",
    "低优先级": "P3",
}

#: The six-stage process of DOMAIN.md with its time limit in working days
#: (``None``: per plan). Each stage is known by its Chinese and English name.
STAGES: list[dict] = [
    {"zh": "需求调研", "en": "Requirements research", "limit_days": 3},
    {"zh": "方案策划", "en": "Plan design", "limit_days": 5},
    {"zh": "跨部门评审", "en": "Cross-department review", "limit_days": 2},
    {"zh": "资源协调", "en": "Resource coordination", "limit_days": 1},
    {"zh": "活动执行", "en": "Execution", "limit_days": None},
    {"zh": "效果复盘", "en": "Retrospective", "limit_days": 3},
]

# --------------------------------------------------------------------------
# Likert answers written as words (5-point scales only): word -> 1..5
# --------------------------------------------------------------------------

LIKERT_WORDS: dict[str, int] = {
    "非常不满意": 1,
    "很不满意": 1,
    "不满意": 2,
    "一般": 3,
    "中立": 3,
    "满意": 4,
    "比较满意": 4,
    "非常满意": 5,
    "很满意": 5,
    "非常不同意": 1,
    "完全不同意": 1,
    "不同意": 2,
    "不确定": 3,
    "同意": 4,
    "比较同意": 4,
    "非常同意": 5,
    "完全同意": 5,
    "very dissatisfied": 1,
    "dissatisfied": 2,
    "neutral": 3,
    "satisfied": 4,
    "very satisfied": 5,
    "strongly disagree": 1,
    "disagree": 2,
    "neither agree nor disagree": 3,
    "agree": 4,
    "strongly agree": 5,
    "very poor": 1,
    "poor": 2,
    "fair": 3,
    "good": 4,
    "very good": 5,
    "excellent": 5,
}

#: Handbook headers that are recognised but have no place in a canonical
#: table; loaders drop them quietly (they are listed in ``sources``).
EXTRA_HEADERS: list[str] = [
    "交付物",
    "所需资源",
    "耗时",
    "影响程度",
    "完成率",
    "偏差率",
    "差异率",
    "遇到的问题",
    "解决措施",
    "风险点",
    "风险描述",
    "影响等级",
    "触发条件",
    "应对措施",
    "原因分析",
    "改进方向",
    "需求描述",
    "需求部门",
    "协作事项",
    "目标回顾",
    "未达成项分析",
    "成功经验",
    "优化方案",
    "计划完成内容",
    "实际完成内容",
    "日期",
    "deliverable",
    "resources",
    "duration",
    "cycle_time_days",
]

# --------------------------------------------------------------------------
# Traditional -> simplified characters (enough for headers and vocabularies)
# --------------------------------------------------------------------------

_TRAD_SIMP_PAIRS = (
    "負负結结開开時时間间狀状態态優优級级稱称編编號号協协計计劃划際际項项關关鍵键"
    "標标階阶環环節节點点監监團团隊队組组門门問问題题訪访評评數数週周輪轮動动細细"
    "進进險险應应對对當当觸触響响達达驗验複复與与蹤踪責责資资處处決决滿满見见議议"
    "報报銷销區区總总單单價价額额轉转換换預预備备註注記记錄录屬属後后來来這这個个"
    "們们為为無无過过還还讓让務务員员調调審审執执復复盤盘緊紧選选擇择聯联導导裝装"
    "舊旧類类別别傳传統统邊边觀观經经學学習习請请給给約约簡简體体內内頁页碼码終终"
    "歷历據据證证續续構构帳账啟启產产業业發发圖图設设論论說说現现況况長长擬拟際际"
    "確确認认態态驟骤遲迟誤误級级閉关閉闭暫暂掛挂辦办審审較较啟启勢势礎础檢检測测"
    "試试彙汇匯汇週周"
)
#: ``str.translate`` table from traditional to simplified characters.
TRAD_TO_SIMP = str.maketrans(
    dict(zip(_TRAD_SIMP_PAIRS[::2], _TRAD_SIMP_PAIRS[1::2], strict=True))
)

_FULLWIDTH = str.maketrans(
    {chr(0xFF01 + i): chr(0x21 + i) for i in range(94)} | {"\u3000": " "}
)


def to_simplified(text: str) -> str:
    """Map traditional characters (and full-width ASCII) to simplified/ASCII."""
    return str(text).translate(_FULLWIDTH).translate(TRAD_TO_SIMP)


def normalise_word(text) -> str:
    """Key used to look up vocabularies: simplified, casefolded, single-spaced."""
    return " ".join(to_simplified(text).casefold().split())


def normalise_header(text) -> str:
    """Key used to match headers.

    Casefolds, maps traditional characters and full-width forms, drops a
    trailing unit or hint in brackets (``耗时(天)``, ``影响程度(高/中/低)``),
    a leading/trailing ``*`` and every space, underscore, hyphen and dot, so
    ``Start_Time``, ``start time`` and ``START-TIME`` are the same header.
    """
    key = to_simplified(text).casefold().strip().strip("*").strip()
    key = _re.sub(r"\s*[(\[【<].*?[)\]】>]\s*$", "", key)
    return _re.sub(r"[\s_\-.]+", "", key)
