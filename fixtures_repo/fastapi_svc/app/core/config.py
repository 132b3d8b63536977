from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    project_name: str = "inventory"
    database_url: str = "sqlite://"
    page_size: int = 20


settings = Settings()
