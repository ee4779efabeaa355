"""What users see, decided once for both front ends: view models, states' actions, and every
sentence. Slack's and Teams' renderers turn these into Block Kit and Adaptive Cards; nothing
here imports a chat platform."""
