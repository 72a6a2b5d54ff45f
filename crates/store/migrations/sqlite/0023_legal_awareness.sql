-- 职工法律知晓率: the monthly publicity plan (一月一单位、一月一重点), publicity events, the quiz
-- bank with a starting set of questions on the five topics, the county's pass mark, and the
-- members' quiz attempts. SQLite flavour.
CREATE TABLE legal_publicity_plans (
    id            INTEGER PRIMARY KEY,
    month         TEXT    NOT NULL UNIQUE,     -- YYYY-MM: one focus unit and one topic a month
    union_id      INTEGER NOT NULL REFERENCES unions(id),
    path          TEXT    NOT NULL,
    topic         TEXT    NOT NULL,
    note          TEXT,
    step_item_id  INTEGER REFERENCES work_items(id),
    fulfilled_on  TEXT,                        -- the first event at the unit in the month
    created_by    INTEGER REFERENCES users(id),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX legal_publicity_plans_path ON legal_publicity_plans(path, month);

CREATE TABLE legal_publicity_events (
    id            INTEGER PRIMARY KEY,
    plan_id       INTEGER REFERENCES legal_publicity_plans(id),
    union_id      INTEGER NOT NULL REFERENCES unions(id),
    path          TEXT    NOT NULL,
    held_on       TEXT    NOT NULL,
    form          TEXT    NOT NULL,
    topic         TEXT    NOT NULL,
    participants  INTEGER NOT NULL,
    materials     TEXT,
    created_by    INTEGER REFERENCES users(id),
    created_at    INTEGER NOT NULL
);
CREATE INDEX legal_publicity_events_path ON legal_publicity_events(path, held_on);

CREATE TABLE legal_quiz_questions (
    id            INTEGER PRIMARY KEY,
    topic         TEXT    NOT NULL,
    text          TEXT    NOT NULL,
    options       TEXT    NOT NULL,            -- one option a line
    answer        INTEGER NOT NULL,              -- the right option, counted from 0
    active        INTEGER NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX legal_quiz_questions_topic ON legal_quiz_questions(topic, active);

CREATE TABLE legal_quiz_settings (
    id            INTEGER PRIMARY KEY,           -- the one row, 1
    pass_mark     INTEGER NOT NULL,              -- per cent
    questions     INTEGER NOT NULL,              -- questions in a quiz
    updated_by    INTEGER,
    updated_at    INTEGER NOT NULL
);
INSERT INTO legal_quiz_settings (id, pass_mark, questions, updated_by, updated_at) VALUES (1, 60, 5, NULL, 0);

CREATE TABLE legal_quiz_attempts (
    id            INTEGER PRIMARY KEY,
    member_id     INTEGER NOT NULL REFERENCES members(id),
    path          TEXT    NOT NULL,
    topic         TEXT,                        -- none: every topic mixed
    taken_on      TEXT    NOT NULL,
    total         INTEGER NOT NULL,
    correct       INTEGER NOT NULL,
    score         INTEGER NOT NULL,
    passed        INTEGER NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX legal_quiz_attempts_path ON legal_quiz_attempts(path, passed, taken_on, member_id);
CREATE INDEX legal_quiz_attempts_member ON legal_quiz_attempts(member_id, taken_on);

INSERT INTO legal_quiz_questions (topic, text, options, answer, active, created_at) VALUES
    ('labour_contract', '用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的，应当向劳动者每月支付多少工资？', '一倍的工资
二倍的工资
三倍的工资', 1, 1, 0),
    ('labour_contract', '劳动合同期限三个月以上不满一年的，试用期不得超过多长时间？', '一个月
二个月
六个月', 0, 1, 0),
    ('labour_contract', '劳动者提前多少日以书面形式通知用人单位，可以解除劳动合同？', '三日
十五日
三十日', 2, 1, 0),
    ('wages', '法定休假日安排劳动者工作的，用人单位应支付不低于工资的百分之多少的工资报酬？', '百分之一百五十
百分之二百
百分之三百', 2, 1, 0),
    ('wages', '休息日安排劳动者工作又不能安排补休的，应支付不低于工资的百分之多少的工资报酬？', '百分之一百五十
百分之二百
百分之三百', 1, 1, 0),
    ('wages', '工资应当以什么形式按月支付给劳动者本人？', '货币
实物
有价证券', 0, 1, 0),
    ('women', '按照《女职工劳动保护特别规定》，女职工生育享受多少天产假？', '90 天
98 天
128 天', 1, 1, 0),
    ('women', '对哺乳未满 1 周岁婴儿的女职工，用人单位应当在每天的劳动时间内为其安排多长哺乳时间？', '半小时
1 小时
2 小时', 1, 1, 0),
    ('women', '用人单位可以因女职工怀孕、生育、哺乳降低其工资或者解除劳动合同吗？', '可以
不可以', 1, 1, 0),
    ('safety', '从业人员发现直接危及人身安全的紧急情况时，有权怎样做？', '继续作业，事后报告
停止作业或者在采取可能的应急措施后撤离作业场所
等待负责人批准后再撤离', 1, 1, 0),
    ('safety', '职工在工作时间和工作场所内，因工作原因受到事故伤害的，应当认定为什么？', '工伤
非工伤
由单位决定', 0, 1, 0),
    ('safety', '职工发生事故伤害，所在单位应当自事故伤害发生之日起多少日内提出工伤认定申请？', '7 日
30 日
1 年', 1, 1, 0),
    ('union', '用人单位侵犯职工劳动权益的，工会应当怎样做？', '不予过问
代表职工与用人单位交涉，要求其采取措施予以改正
只向职工说明情况', 1, 1, 0),
    ('union', '建立工会组织的用人单位，按每月全部职工工资总额的百分之几向工会拨缴经费？', '百分之一
百分之二
百分之五', 1, 1, 0),
    ('union', '职工依法参加和组织工会的权利，任何组织和个人可以阻挠和限制吗？', '可以
不得阻挠和限制', 1, 1, 0);
