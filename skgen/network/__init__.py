"""The network floor: feed-forward networks whose parameters are one flat vector,
their compiled passes, activations, losses and optimisers, the epoch driver and
the estimator base of the autoencoders, the VAE and the DBN classifier.

It imports only ``skgen.utils``. What belongs to one family plugs into it from
that family: an autoencoder's noise models and activity penalties, the VAE's
code layer and likelihoods.
"""
