import classes from './skip-link.module.css';

/** "Skip to content": the first Tab stop, jumping past the header and navigation to #main. */
export function SkipLink() {
  return (
    <a className={classes.skip} href="#main">
      Skip to content
    </a>
  );
}
