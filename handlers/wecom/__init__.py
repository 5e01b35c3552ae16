"""The staff's WeCom (企业微信 / 政务微信) app: its callback, its server API and the alerts sent to
staff."""
