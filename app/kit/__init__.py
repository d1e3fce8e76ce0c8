"""Small pieces every area uses the same way (the CSV writer), so that no area writes its own."""
