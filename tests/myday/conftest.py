"""My day's tests pin the clock themselves (each test names its day), so working days and bank holidays
are the same whatever day the suite runs."""
