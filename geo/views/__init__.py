"""View specs (what a page, export or download shows) and the view models built from them."""
