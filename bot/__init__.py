"""Liftcoach: a self-hostable Discord bot that coaches resistance training."""
