-- The provinces as their profiles show them: every field, and how the growth
-- target changed from 2024, worked out from the two targets.
SELECT *,
       CASE
         WHEN target_2025 > target_2024 THEN 'Raised'
         WHEN target_2025 < target_2024 THEN 'Lowered'
         ELSE 'Unchanged'
       END AS target_change
FROM provinces
