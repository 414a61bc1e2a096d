-- Statistics: daily aggregates, so that the dashboard and the measures of
-- a period read a row per day and cell instead of a row per request (see
-- internal/stats, MeasureDays). Every row is a sum over stats_requests and
-- stats_tries and is kept with them: each change of a request's facts
-- takes its old contribution away and adds its new one in the same
-- transaction; a rebuild recounts them all.
--
-- stats_days counts, per agency, day (year*10000 + month*100 + day in the
-- agency's zone), side, measure and key: requests received by service,
-- filled by partner, closed unfilled by reason, lenders' tries, and so on
-- (the measures are internal/stats' Day* constants). stats_day_spans holds
-- the durations that ended on the day (stages, calendar and business
-- time) or, for the lenders' tries, of the tries sent on the day: n of
-- them, their total, and the sorted values themselves (nanoseconds,
-- differences as varints, base64), so medians and percentiles stay exact.
-- stats_agencies.days_zone is the zone the days were counted in; '' while
-- they are not (yet) counted, and the statistics read the facts instead.

-- +goose Up
CREATE TABLE stats_days (
    agency  TEXT NOT NULL,
    day     BIGINT NOT NULL,
    side    TEXT NOT NULL,
    measure TEXT NOT NULL,
    cell    TEXT NOT NULL DEFAULT '',
    n       BIGINT NOT NULL,
    PRIMARY KEY (agency, day, side, measure, cell)
);
-- The running totals read (agency, measure, day) and add up n by side:
-- covered by the index alone, however many years there are.
CREATE INDEX stats_days_measure ON stats_days (agency, measure, day, side, n);

CREATE TABLE stats_day_spans (
    agency  TEXT NOT NULL,
    day     BIGINT NOT NULL,
    side    TEXT NOT NULL,
    measure TEXT NOT NULL,
    cell    TEXT NOT NULL DEFAULT '',
    n       BIGINT NOT NULL,
    total   BIGINT NOT NULL,
    vals    TEXT NOT NULL,
    PRIMARY KEY (agency, day, side, measure, cell)
);

ALTER TABLE stats_agencies ADD COLUMN days_zone TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE stats_agencies DROP COLUMN days_zone;
DROP TABLE stats_day_spans;
DROP TABLE stats_days;
