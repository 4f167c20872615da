"""Moderation: prompt screening, image safety classifiers, model licenses, guild policy and the audit log.

Independent of Discord and of the other packages of the bot. Modules are imported individually
(`moderation.screening`, `moderation.classifiers`, ...) so that screening a prompt never imports torch.
"""
