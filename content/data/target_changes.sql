-- How many provinces raised, kept or lowered their growth target from 2024 to 2025.
SELECT target_change AS change, count(*) AS provinces
FROM province_profiles
GROUP BY target_change
