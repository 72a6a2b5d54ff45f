-- 劳资双方共赢率 asks, per enterprise, whether a labour dispute of its union's members is open on
-- a day: by union and date, not by scanning every dispute.
CREATE INDEX legal_disputes_union ON legal_disputes(union_id, applied_on, settled_on);
