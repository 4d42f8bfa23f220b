-- Provinces in each region by whether their 2025 work report ranks domestic
-- demand first: the priorities joined to each province's region, with every
-- region given both groups so that none is left out for lack of a province.
SELECT p.region,
       t.first_task,
       count(CASE WHEN (r.first = 'Domestic demand') = (t.first_task = 'Domestic demand') THEN 1 END) AS provinces
FROM priorities AS r
JOIN provinces AS p ON p.slug = r.province
CROSS JOIN (SELECT 'Domestic demand' AS first_task UNION ALL SELECT 'Other priorities') AS t
WHERE r.year = 2025
GROUP BY p.region, t.first_task
