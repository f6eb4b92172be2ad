// Sample data generator (issue 2).
