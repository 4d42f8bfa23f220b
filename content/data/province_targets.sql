-- Each province's growth targets beside the national one, as three bars for its
-- profile: its 2024 and 2025 targets and the national target for 2024.
SELECT slug AS province, '2024 target' AS measure, target_2024 AS target, 1 AS place FROM provinces
UNION ALL
SELECT slug, '2025 target', target_2025, 2 FROM provinces
UNION ALL
SELECT p.slug, 'National, 2024', n.target, 3
FROM provinces AS p JOIN national_targets AS n ON n.year = 2024
ORDER BY province, place
