"""An aiogram-style async framework for WeChat official accounts, on top of wechatpy."""
