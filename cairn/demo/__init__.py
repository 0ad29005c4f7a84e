"""Synthetic demo data: the small, coherent Northmoor demo hub (`manage.py demo_data`), the
bulk generator for benchmarks and entity-resolution work (`demo_data --scale N`), and the
demo sign-ins (`manage.py demo_logins`). Everything here is invented: the county, towns,
agencies, people, addresses (postcode area NX, which the Royal Mail does not use), phone
numbers (Ofcom's drama range 07700 900000-900999) and vehicle marks (memory tags starting
with Z, which the DVLA does not issue). This app has no models."""
