"""What the demo's annotators answer, by task position (``import_key`` ``demo:<n>``) in the demo
projects of ``annotation.demo.content``. Written by hand to match those texts."""
from __future__ import annotations

# The tone of each headline of content.HEADLINES, in order.
SENTIMENTS = [
    "positive", "positive", "negative", "positive", "positive", "negative", "negative", "positive", "negative",
    "negative", "positive", "neutral", "positive", "neutral", "negative", "positive", "negative", "positive",
    "positive", "negative", "negative", "negative", "neutral", "positive", "positive", "negative", "negative",
    "positive", "negative", "positive",
]
# Topics beyond the headline's main one (content.HEADLINES gives that one).
EXTRA_TOPICS = {4: ["technology"], 18: ["finance"], 22: ["health"], 27: ["sports"]}

# Three annotators on one headline: where they disagree (2 against 1), keyed by position.
TRIO_SPLITS = {
    6: ("negative", "negative", "neutral"),
    9: ("negative", "neutral", "negative"),
    11: ("neutral", "positive", "neutral"),
    13: ("neutral", "neutral", "positive"),
    14: ("negative", "neutral", "neutral"),
}

# Named entities of content.ENTITY_SENTENCES[0..7]: (surface text, label); offsets are found in
# the sentence, so they always match it.
ENTITIES = {
    0: [("张伟", "PER"), ("北京大学第一医院", "ORG")],
    1: [("李娜", "PER"), ("中国队", "ORG"), ("巴黎", "LOC")],
    2: [("阿里巴巴集团", "ORG"), ("杭州", "LOC")],
    3: [("Wang Fang", "PER"), ("Tencent", "ORG"), ("Shenzhen", "LOC")],
    4: [("王芳", "PER"), ("上海", "LOC")],
    5: [("国家统计局", "ORG"), ("广东省", "LOC")],
    6: [("Chen Jie", "PER"), ("Huashan Hospital", "ORG"), ("Shanghai", "LOC")],
    7: [("刘洋", "PER"), ("合肥市中级人民法院", "ORG")],
}

# Chains of thought for content.COT_QUESTIONS[0..7] as the demo annotators wrote them. Position 7
# holds a slip (the fall is taken from the new price as a flat 10) for a reviewer to catch.
COT_ANSWERS = {
    0: (["每日总剂量 = 70 × 15 = 1050 毫克", "分3次给药：1050 ÷ 3 = 350 毫克"], "350"),
    1: (["Bradycardia means a resting heart rate under 60 beats per minute", "48 is below 60"], "yes"),
    2: (["每日最大剂量为 4 克", "每片 0.5 克：4 ÷ 0.5 = 8 片"], "8"),
    3: (["Rate = volume ÷ time", "500 mL ÷ 4 h = 125 mL per hour"], "125"),
    4: (["第一年本息：10000 × 1.03 = 10300", "第二年本息：10300 × 1.03 = 10609"], "10609"),
    5: (["Each instalment = total ÷ number of months", "12000 ÷ 12 = 1000 yuan"], "1000"),
    6: (["净利率 = 净利润 ÷ 营业收入", "50 ÷ 500 = 0.1，即 10%"], "10%"),
    7: (["After the rise: 100 × 1.1 = 110", "After the fall: 110 − 10 = 100", "Net change: 100 − 100 = 0"], "0%"),
}
# Positions whose chain of thought two reviewers approve (stage 1 senior, stage 2 expert), and
# the one only the senior has approved so far (waiting for the expert).
COT_ACCEPTED = (0, 2, 3)
COT_AT_EXPERT = (4,)

# How many tasks each project gets answered (at most half, so annotators have work to try).
COUNTS = {"news": 15, "entities": 8, "street": 8, "preference": 6}
