-- How often each province's work reports used each phrase, 2024 beside 2025,
-- for the table on its profile.
SELECT province, phrase,
       SUM(CASE WHEN year = 2024 THEN mentions END) AS mentions_2024,
       SUM(CASE WHEN year = 2025 THEN mentions END) AS mentions_2025
FROM phrase_mentions
GROUP BY province, phrase
ORDER BY province, phrase
