from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(config or {})
    from shop.views import bp

    app.register_blueprint(bp)
    return app
