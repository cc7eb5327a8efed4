"""Operations for services holding the `admin` scope."""
