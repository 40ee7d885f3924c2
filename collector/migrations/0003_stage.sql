-- The contest's stage each attempt was played in (每日一题, 第 N 周, 决赛: the contest
-- package's `rules.stages`); NULL for a contest without stages and for attempts stored before.
ALTER TABLE attempts ADD COLUMN stage text;
